import type pg from 'pg';
import type { SearchDatabase } from '../../src/adapters/postgres/schema/database-tables.js';
import { restoreVariantsStatement } from '../../src/adapters/postgres/search/vocabulary/vocabulary-prune.js';
import { compileOnlyKysely } from '../../tests/support/compile-only-kysely.js';

/**
 * Fills the migrated `opportunity` table by `fill` (its own statements, in one transaction), then
 * does what the row triggers would have done, in bulk. The table's secondary indexes (whatever the
 * migrations made) are dropped first and rebuilt afterwards from their own definitions, which is
 * much faster than maintaining them row by row. Then VACUUM ANALYZE, as autovacuum would. Both the
 * main bench's seed (`seed.ts`) and the near-and-search seed (`seed-geo.ts`) load through this.
 */
export async function bulkLoad(client: pg.Client, fill: (client: pg.Client) => Promise<void>): Promise<void> {
  const indexes = await client.query<{ indexname: string; indexdef: string }>(
    `select i.indexname, i.indexdef from pg_indexes i
     join pg_class c on c.relname = i.indexname
     left join pg_constraint k on k.conindid = c.oid
     where i.tablename = 'opportunity' and k.oid is null`,
  );
  const present = async (table: string): Promise<boolean> =>
    (await client.query<{ present: boolean }>('select to_regclass($1) is not null as present', [table])).rows[0]
      ?.present ?? false;
  const postings = await present('search_title_posting');
  const variants = await present('search_vocabulary_variant');
  await client.query("set maintenance_work_mem = '256MB'");
  await client.query('select setseed(0.42)');
  await client.query('begin');
  try {
    for (const index of indexes.rows) await client.query(`drop index "${index.indexname}"`);
    // The search vocabulary trigger works row by row; one pass afterwards is much faster.
    await client.query('alter table opportunity disable trigger user');
    await fill(client);
    await client.query('alter table opportunity enable trigger user');
    // The vocabulary's own trigger (typo variants) too, when the build has it: variants in one pass.
    await client.query('alter table search_vocabulary disable trigger user');
    await client.query(`insert into search_vocabulary (word)
      select distinct w from opportunity o, opportunity_vocabulary_words(o.title, o.tags, o.description) as w
      on conflict do nothing`);
    await client.query('alter table search_vocabulary enable trigger user');
    // All of them, by the statement with which the vocabulary prune restores missing ones.
    if (variants) await client.query(restoreVariantsStatement(compileOnlyKysely<SearchDatabase>()).text);
    // The title postings' trigger too; in key order, the primary key fills like an append. An
    // older build under comparison (`--service-entry`) may predate the table.
    if (postings) {
      await client.query(`insert into search_title_posting (lexeme, created_at, opportunity_id)
        select l, o.created_at, o.id from opportunity o,
          unnest(tsvector_to_array(to_tsvector('opportunity_search'::regconfig, o.title))) as l
        order by 1, 2, 3`);
    }
    for (const index of indexes.rows) await client.query(index.indexdef);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
  await client.query('vacuum analyze opportunity');
  await client.query('vacuum analyze search_vocabulary');
  if (postings) await client.query('vacuum analyze search_title_posting');
  if (variants) await client.query('vacuum analyze search_vocabulary_variant');
}
