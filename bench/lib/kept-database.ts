import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { signSimplejwtAccessToken } from '../../tests/support/simplejwt-token.js';
import { type Fixture, loadFixture, WRITER_USER_ID } from './seed.js';

/** What the side tools need of a bench database kept by `--keep-database`. */
export interface KeptDatabase {
  readonly db: pg.Client;
  readonly dbName: string;
  readonly fixture: Fixture;
  /** A fresh JWT_SECRET for the servers a tool starts, and the writer's access token signed with it. */
  readonly secret: string;
  readonly token: string;
}

export async function openKeptDatabase(url: string): Promise<KeptDatabase> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const dbName = decodeURIComponent(new URL(url).pathname.slice(1));
  const fixture = await loadFixture(db, 0);
  const secret = randomBytes(36).toString('base64url');
  const token = await signSimplejwtAccessToken(secret, { userId: WRITER_USER_ID, lifetimeSeconds: 6 * 3600 });
  return { db, dbName, fixture, secret, token };
}
