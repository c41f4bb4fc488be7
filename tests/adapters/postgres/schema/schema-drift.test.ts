import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import pg from 'pg';
import {
  type EmbeddedDatabase,
  startEmbeddedDatabase,
} from '../../../../src/adapters/embedded-postgres/embedded-database.js';
import { withMigrations } from '../../../../src/adapters/postgres/schema/migration-options.js';
import { mikroOrmOptions } from '../../../../src/adapters/postgres/schema/mikro-orm-options.js';
import { freePort } from '../../../support/test-database.js';

/**
 * The entity schema is the single description of the database: after running every migration on
 * an empty database, MikroORM's schema diff against the entities must be empty. A column, index,
 * check or function changed in the entities without a migration (or the reverse) fails here.
 * Checked on the machine's PostgreSQL 15 and on the embedded PostgreSQL 18.
 */
const MACHINE_SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

describe('entity schema versus migrations', function () {
  this.timeout(90_000);

  it('PostgreSQL 15 (127.0.0.1:5432): a migrated database matches the entities exactly', async function () {
    if (!(await reachable(MACHINE_SERVER))) {
      if (process.env.CI) throw new Error('PostgreSQL is expected at 127.0.0.1:5432 in CI');
      console.warn('    !!! SKIPPED: no PostgreSQL at 127.0.0.1:5432');
      this.skip();
    }
    await expectNoDrift(MACHINE_SERVER, 15);
  });

  it('PostgreSQL 18 (embedded): a migrated database matches the entities exactly', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'opportunities-drift-'));
    await chmod(dataDir, 0o755);
    let server: EmbeddedDatabase | undefined;
    try {
      server = await startEmbeddedDatabase({ dataDir, port: await freePort(), database: 'postgres' });
      await expectNoDrift(server.url, 18);
    } finally {
      await server?.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

async function expectNoDrift(serverUrl: string, majorVersion: number): Promise<void> {
  const name = `opportunities_drift_${randomBytes(4).toString('hex')}`;
  await withClient(serverUrl, async (client) => {
    const { rows } = await client.query<{ v: string }>(`select current_setting('server_version_num') as v`);
    expect(Math.floor(Number(rows[0]?.v) / 10_000)).to.equal(majorVersion);
    await client.query(`create database "${name}"`);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const orm = await MikroORM.init(withMigrations(mikroOrmOptions({ url: url.toString() })));
  try {
    const applied = await orm.migrator.up();
    expect(applied.length).to.be.greaterThan(0);
    const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim(), 'SQL that would make the database match the entities').to.equal('');
    // The CLI's `migration:check` answers the same question.
    expect(await orm.migrator.checkSchema(), 'migration:check finds changes').to.equal(false);
  } finally {
    await orm.close();
    await withClient(serverUrl, (client) => client.query(`drop database if exists "${name}" with (force)`));
  }
}

async function reachable(url: string): Promise<boolean> {
  try {
    await withClient(url, (client) => client.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
