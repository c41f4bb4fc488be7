import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import {
  type EmbeddedDatabase,
  startEmbeddedDatabase,
} from '../../src/adapters/embedded-postgres/embedded-database.js';
import { withMigrations } from '../../src/adapters/postgres/schema/migration-options.js';
import { mikroOrmOptions } from '../../src/adapters/postgres/schema/mikro-orm-options.js';

/**
 * One fresh, migrated database per test run on the server named by TEST_DATABASE_URL (or
 * DATABASE_URL), else on an embedded PostgreSQL in a temporary folder. Started on first use and
 * dropped when the run ends, so runs never see each other's rows.
 */
interface TestDatabase {
  readonly url: string;
  readonly serverUrl: string;
  readonly name: string;
  readonly embedded?: EmbeddedDatabase;
  readonly tempDir?: string;
}

let pending: Promise<TestDatabase> | undefined;

export function testDatabaseUrl(): Promise<string> {
  pending ??= createTestDatabase();
  return pending.then((db) => db.url);
}

/**
 * Database sessions still connected to the run's database (an ORM or client a test never closed),
 * after waiting up to `graceMs` for closed ones to end. Checked before the database is dropped,
 * because the forced drop would end them and hide the leak.
 */
export async function lingeringSessions(graceMs: number): Promise<string[]> {
  if (!pending) return [];
  const db = await pending;
  return withClient(db.serverUrl, async (client) => {
    const deadline = Date.now() + graceMs;
    for (;;) {
      const { rows } = await client.query<{ application_name: string; state: string | null; query: string }>(
        'select application_name, state, left(query, 80) as query from pg_stat_activity where datname = $1',
        [db.name],
      );
      if (rows.length === 0 || Date.now() >= deadline) {
        return rows.map((row) => `${row.application_name || '(no application_name)'} [${row.state}] ${row.query}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
}

export async function dropTestDatabase(): Promise<void> {
  if (!pending) return;
  const db = await pending;
  pending = undefined;
  await withClient(db.serverUrl, (client) => client.query(`drop database if exists "${db.name}" with (force)`));
  await db.embedded?.stop();
  if (db.tempDir) await rm(db.tempDir, { recursive: true, force: true });
}

async function createTestDatabase(): Promise<TestDatabase> {
  const configured = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  let embedded: EmbeddedDatabase | undefined;
  let tempDir: string | undefined;
  let serverUrl: string;
  if (configured) {
    serverUrl = configured;
  } else {
    tempDir = await mkdtemp(path.join(tmpdir(), 'opportunities-test-'));
    embedded = await startEmbeddedDatabase({ dataDir: tempDir, port: await freePort(), database: 'postgres' });
    serverUrl = embedded.url;
  }
  const name = `opportunities_test_${process.pid}_${randomBytes(3).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`create database "${name}"`));
  const url = withDatabase(serverUrl, name);
  const orm = await MikroORM.init(withMigrations(mikroOrmOptions({ url })));
  await orm.migrator.up();
  await orm.close();
  return { url, serverUrl, name, ...(embedded ? { embedded } : {}), ...(tempDir ? { tempDir } : {}) };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A port nothing listens on, chosen below the kernel's ephemeral range: a port the kernel handed
 * out for `listen(0)` and got back could be handed out again to the next `listen(0)` (the
 * service's own) before the caller binds it, which made tests fail with EADDRINUSE.
 */
export async function freePort(): Promise<number> {
  const ephemeralLow = await ephemeralRangeStart();
  const low = 10_000;
  const high = Math.max(low + 1_000, ephemeralLow - 1);
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port found between ${low} and ${high}`);
}

async function ephemeralRangeStart(): Promise<number> {
  try {
    const text = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    const low = Number(text.trim().split(/\s+/)[0]);
    if (low > 0) return low;
  } catch {
    // Not Linux: the IANA dynamic range.
  }
  return 49_152;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
