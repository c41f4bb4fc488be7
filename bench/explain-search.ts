/**
 * EXPLAIN (ANALYZE, BUFFERS) of every statement one search request runs, for each search class:
 * the plans PostgreSQL really executes for the service (generic plans of the named prepared
 * statements, as the pools run them), captured with auto_explain at notice level on one
 * connection, after a warm-up, so the buffers are those of a warm cache.
 *
 *   npx tsx bench/explain-search.ts --database-url postgres://postgres@127.0.0.1:5432/ob_1m \
 *     [--queries "python mentor,sommelier"] [--warm-up 20] [--full]
 *
 * Without `--full` only the plan nodes that took time are printed (see `interesting`).
 */
import { parseArgs } from 'node:util';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { mikroOrmOptions, SESSION_OPTIONS } from '../src/adapters/postgres/schema/mikro-orm-options.js';
import type { RoutedQueries } from '../src/adapters/postgres/read-routing/routed-queries.js';
import { PostgresOpportunitySearch } from '../src/adapters/postgres/search/postgres-opportunity-search.js';
import { SearchOpportunities } from '../src/application/opportunity/search-opportunities.use-case.js';
import { SEARCH_CLASSES } from './lib/scenarios.js';

const { values: options } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    queries: { type: 'string' },
    'warm-up': { type: 'string', default: '20' },
    full: { type: 'boolean', default: false },
  },
});
const url = options['database-url'] ?? process.env.DATABASE_URL;
if (!url) throw new Error('Pass --database-url (or set DATABASE_URL)');
const queries = options.queries?.split(',') ?? SEARCH_CLASSES.map((searchClass) => searchClass.query);

// One connection, planned as the service's pools plan (generic plans of prepared statements).
const client = new pg.Client({ connectionString: url, options: SESSION_OPTIONS });
await client.connect();
const plans: string[] = [];
client.on('notice', (notice) => {
  if (notice.message?.includes('Query Text:')) plans.push(notice.message);
});
const readOnClient = {
  read: async (query: pg.QueryConfig) => (await client.query(query)).rows,
} as unknown as RoutedQueries;
// The ORM only compiles the statements; they run on the client above.
const orm = await MikroORM.init(mikroOrmOptions({ url, poolSize: 1 }));
try {
  const search = new SearchOpportunities(new PostgresOpportunitySearch(orm, undefined, readOnClient));
  const { rows } = await client.query<{ version: string }>('select version()');
  console.log(`${rows[0]?.version}\n`);
  for (const query of queries) {
    for (let i = 0; i < Number(options['warm-up']); i++) await search.execute(query, {}, { limit: 20 });
    await client.query(
      "load 'auto_explain'; set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on;" +
        ' set auto_explain.log_buffers = on; set auto_explain.log_level = notice',
    );
    plans.length = 0;
    const started = performance.now();
    const page = await search.execute(query, {}, { limit: 20 });
    const wall = performance.now() - started;
    await client.query('set auto_explain.log_min_duration = -1');
    console.log(`## ${JSON.stringify(query)}: ${page.items.length} results, ${wall.toFixed(2)} ms wall with EXPLAIN`);
    for (const plan of plans) console.log(`\n${options.full ? plan : interesting(plan)}`);
    console.log();
  }
} finally {
  await orm.close();
  await client.end();
}

/**
 * The statement's name and total, then the plan nodes whose own time is visible (≥ 0.2 ms
 * inclusive), with their buffers: what a reader needs to see where the time goes.
 */
function interesting(plan: string): string {
  const lines = plan.split('\n');
  const kept: string[] = [];
  const duration = /duration: ([\d.]+) ms/.exec(lines[0] ?? '')?.[1];
  const text = /Query Text: (.{0,60})/.exec(plan)?.[1];
  kept.push(`statement ${text ?? '?'}: ${duration ?? '?'} ms`);
  let keepBuffers = false;
  for (const line of lines) {
    const time = /actual time=([\d.]+)\.\.([\d.]+) rows=(\d+) loops=(\d+)/.exec(line);
    if (time) {
      const total = Number(time[2]) * Number(time[4]);
      keepBuffers = total >= 0.2;
      if (keepBuffers) kept.push(line);
    } else if (keepBuffers && /Buffers:|Heap Blocks:|Rows Removed|Index Cond|Recheck Cond/.test(line)) {
      kept.push(line);
    }
  }
  return kept.join('\n');
}
