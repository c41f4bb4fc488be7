import { expect } from 'chai';
import pg from 'pg';
import { testDatabaseUrl } from '../../../support/test-database.js';

/**
 * Every GIN index on the searched tables runs without fast update: its pending list would be read
 * in full by every search until a vacuum merged it, and a burst of a few thousand new rows made a
 * rare word 60× slower (bench/README.md). MikroORM's schema diff does not compare storage
 * parameters, so this is checked here, on the migrated test database.
 */
describe('GIN indexes without a pending list (PostgreSQL)', () => {
  it('every GIN index of the opportunity table has fastupdate=off and nothing pending', async () => {
    const client = new pg.Client({ connectionString: await testDatabaseUrl() });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; options: string[] | null }>(
        `select c.relname as name, c.reloptions as options
         from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am a on a.oid = c.relam
         where a.amname = 'gin' and i.indrelid = 'opportunity'::regclass order by 1`,
      );
      expect(rows.map((row) => row.name)).to.deep.equal([
        'opportunity_search_idx',
        'opportunity_search_title_idx',
        'opportunity_tags_idx',
      ]);
      for (const row of rows) expect(row.options ?? [], row.name).to.include('fastupdate=off');
      // A write goes straight into the index: there is never anything to merge. Rolled back, so
      // the probe leaves no row, vocabulary word or title posting behind for other tests.
      await client.query('begin');
      try {
        await client.query(`insert into opportunity (id, title, description, category, created_by, created_at, updated_at)
          values (gen_random_uuid(), 'Pending list probe', 'Checks the GIN pending list', 'tests', '1', now(), now())`);
        for (const row of rows) {
          const { rows: merged } = await client.query<{ pages: number }>(
            'select gin_clean_pending_list($1::regclass) as pages',
            [row.name],
          );
          expect(Number(merged[0]?.pages), `${row.name}: pending pages merged`).to.equal(0);
        }
      } finally {
        await client.query('rollback');
      }
    } finally {
      await client.end();
    }
  });
});
