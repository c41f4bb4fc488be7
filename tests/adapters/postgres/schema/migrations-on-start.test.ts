import { createHash } from 'node:crypto';
import { randomBytes } from 'node:crypto';
import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import pg from 'pg';
import { loadConfig } from '../../../../src/adapters/env/app-config.js';
import { withMigrations } from '../../../../src/adapters/postgres/schema/migration-options.js';
import { mikroOrmOptions } from '../../../../src/adapters/postgres/schema/mikro-orm-options.js';
import { migrations } from '../../../../src/adapters/postgres/schema/migrations/index.js';
import { startService } from '../../../../src/composition/start-service.js';
import { RecordingLogger } from '../../../support/recording-logger.js';
import { testDatabaseUrl } from '../../../support/test-database.js';

/**
 * Migrations rewrite tables and build indexes: at production size that takes far longer than the
 * statement and query timeouts that protect requests. Starting with MIGRATE_ON_START must apply a
 * slow migration anyway. Made slow here by rows that the search migration's table rewrite and
 * vocabulary back-fill must read, against the smallest statement timeout the configuration allows.
 */
describe('migrations at start-up', function () {
  this.timeout(120_000);
  const name = `opportunities_migrate_${randomBytes(3).toString('hex')}`;
  let serverUrl: string;

  before(async () => {
    serverUrl = await testDatabaseUrl();
    await admin(serverUrl, `create database "${name}"`);
  });

  after(async () => {
    await admin(serverUrl, `drop database if exists "${name}" with (force)`);
  });

  it('applies a migration that runs longer than DB_STATEMENT_TIMEOUT_MS and DB_QUERY_TIMEOUT_MS', async () => {
    const url = withDatabase(serverUrl, name);
    // The schema as it was before the search migration, filled with rows.
    const searchIndex = migrations.findIndex((migration) => migration.name === 'Migration20261201Search');
    const before = migrations[searchIndex - 1]?.name as string;
    // The set-up itself is not under test: no timeouts, so a busy machine cannot fail it.
    const orm = await MikroORM.init(withMigrations(mikroOrmOptions({ url, statementTimeoutMs: 0 })));
    try {
      await orm.migrator.up({ to: before });
      await orm.em.getConnection().execute(
        `insert into opportunity (id, title, description, category, tags, status, created_by, created_at, updated_at, version)
         select gen_random_uuid(), 'Python mentor ' || i, 'Teach teenagers ' || md5(i::text) || ' every week',
                'education', array['tag' || (i % 50)], 'open', '1', now(), now(), 1
         from generate_series(1, 60000) as i`,
      );
    } finally {
      await orm.close();
    }

    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: url,
      JWT_SECRET: 'test-secret-for-the-opportunities-service-0123456789',
      HOST: '127.0.0.1',
      PORT: '0',
      MIGRATE_ON_START: 'true',
      DB_STATEMENT_TIMEOUT_MS: '100',
      DB_QUERY_TIMEOUT_MS: '100',
    });
    const started = Date.now();
    const logger = new RecordingLogger();
    const service = await startService(config, logger);
    const took = Date.now() - started;
    try {
      const applied = await admin(url, 'select name from mikro_orm_migrations order by id');
      expect(applied.map((row) => row.name)).to.include('Migration20261201Search');
      // The proof that the migration outlived the request timeouts it was not bound by.
      expect(took, 'the migration must have taken longer than the 100 ms timeouts').to.be.greaterThan(100);
      // The service keeps its 100 ms timeouts, so the search asks for a word of one description (a
      // common word's 60,000 matches can pass 100 ms), and a 503 from a timeout on a loaded machine
      // is retried: a missing or broken search schema answers 500 (or never 200) every time.
      const word = createHash('md5').update('4242').digest('hex');
      let response = await fetch(`${service.url}/api/v1/opportunities/search?q=${word}`);
      for (let attempt = 1; attempt < 5 && response.status === 503; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        response = await fetch(`${service.url}/api/v1/opportunities/search?q=${word}`);
      }
      expect(response.status).to.equal(200);
      const body = (await response.json()) as { results: { title: string }[] };
      expect(body.results.map((row) => row.title)).to.deep.equal(['Python mentor 4242']);
    } finally {
      await service.stop();
    }
  });
});

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin(url: string, sql: string): Promise<{ name?: string }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ name?: string }>(sql)).rows;
  } finally {
    await client.end();
  }
}
