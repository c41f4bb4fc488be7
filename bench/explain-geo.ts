/**
 * Near-me listings, near + search, and facet counts at scale: latency of each class through the
 * use cases and the PostgreSQL adapters (no HTTP), sequentially on one connection and with 8
 * concurrent callers on a pool of 8, then EXPLAIN (ANALYZE, BUFFERS) of every statement one request
 * runs (auto_explain, generic plans, warm cache) as explain-search.ts does.
 *
 *   npx tsx bench/explain-geo.ts --database-url postgres://postgres@127.0.0.1:5432/<seeded> \
 *     [--requests 200] [--only near-10km-newest,...] [--no-explain]
 *
 * <seeded>: a database seeded by `npm run bench:near -- --rows N --seed-only` (bench/lib/seed-geo.ts;
 * commands in docs/near-and-facets.md, "Measured").
 */
import { parseArgs } from 'node:util';
import { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { mikroOrmOptions, SESSION_OPTIONS } from '../src/adapters/postgres/schema/mikro-orm-options.js';
import type { RoutedQueries } from '../src/adapters/postgres/read-routing/routed-queries.js';
import { PostgresOpportunityRepository } from '../src/adapters/postgres/opportunities/postgres-opportunity-repository.js';
import { PostgresOpportunitySearch } from '../src/adapters/postgres/search/postgres-opportunity-search.js';
import { SearchOpportunities } from '../src/application/opportunity/search-opportunities.use-case.js';
import { ListOpportunitiesNear } from '../src/application/opportunity/list-opportunities-near.use-case.js';
import { CountOpportunityFacets } from '../src/application/opportunity/count-opportunity-facets.use-case.js';
import type { OpportunityRepository } from '../src/domain/opportunity/opportunity-repository.port.js';
import type { OpportunitySearch } from '../src/domain/opportunity/search/opportunity-search.port.js';

const { values: options } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    requests: { type: 'string', default: '200' },
    only: { type: 'string' },
    'no-explain': { type: 'boolean', default: false },
  },
});
const url = options['database-url'] ?? process.env.DATABASE_URL;
if (!url) throw new Error('Pass --database-url (or set DATABASE_URL)');

const paris = { lat: 48.8566, lng: 2.3522 };
const countryside = { lat: 47.0, lng: 3.0 }; // central France: no city of the seed nearby
const tromso = { lat: 69.6492, lng: 18.9553 };

type Ports = { repository: OpportunityRepository; search: OpportunitySearch };
const CLASSES: Record<string, (ports: Ports) => Promise<unknown>> = {
  'near-10km-newest': ({ repository }) =>
    new ListOpportunitiesNear(repository).execute({}, { point: paris, radiusKm: 10 }, 'newest', { limit: 20 }),
  'near-10km-distance': ({ repository }) =>
    new ListOpportunitiesNear(repository).execute({}, { point: paris, radiusKm: 10 }, 'distance', { limit: 20 }),
  'near-countryside-25km-newest': ({ repository }) =>
    new ListOpportunitiesNear(repository).execute({}, { point: countryside, radiusKm: 25 }, 'newest', { limit: 20 }),
  'near-tromso-10km-distance': ({ repository }) =>
    new ListOpportunitiesNear(repository).execute({}, { point: tromso, radiusKm: 10 }, 'distance', { limit: 20 }),
  'near-10km-search-two-words': ({ search }) =>
    new SearchOpportunities(search).execute('python mentor', {}, { limit: 20 }, 'full', { point: paris, radiusKm: 10 }),
  'search-two-words': ({ search }) => new SearchOpportunities(search).execute('python mentor', {}, { limit: 20 }),
  'facets-common-word-search': ({ search }) =>
    new SearchOpportunities(search).execute('help', {}, { limit: 20 }, 'full', undefined, ['category', 'status']),
  'facets-list': ({ repository }) => new CountOpportunityFacets(repository).execute(['category', 'status'], {}),
  'words-in-most-descriptions': ({ search }) =>
    new SearchOpportunities(search).execute('people help', {}, { limit: 20 }),
};
const chosen = options.only ? options.only.split(',') : Object.keys(CLASSES);
const requests = Number(options.requests);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;
const summary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 0.5).toFixed(2)} ms, p95 ${percentile(sorted, 0.95).toFixed(2)} ms (n=${ms.length})`;
};

async function timed(run: () => Promise<unknown>, count: number, concurrency: number): Promise<number[]> {
  const times: number[] = [];
  let left = count;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (left-- > 0) {
        const started = performance.now();
        await run();
        times.push(performance.now() - started);
      }
    }),
  );
  return times;
}

const orm = await MikroORM.init(mikroOrmOptions({ url, poolSize: 8 }));
const client = new pg.Client({ connectionString: url, options: SESSION_OPTIONS });
await client.connect();
try {
  const { rows } = await client.query<{ version: string; n: string }>(
    'select version(), (select count(*) from opportunity) as n',
  );
  console.log(`${rows[0]?.version}\n${rows[0]?.n} opportunities\n`);
  const pooled: Ports = {
    repository: new PostgresOpportunityRepository(orm),
    search: new PostgresOpportunitySearch(orm),
  };
  for (const name of chosen) {
    const run = CLASSES[name];
    if (!run) throw new Error(`unknown class ${name}`);
    await timed(() => run(pooled), 20, 1);
    const one = await timed(() => run(pooled), requests, 1);
    const eight = await timed(() => run(pooled), requests, 8);
    console.log(`${name}: 1 caller ${summary(one)}; 8 callers ${summary(eight)}`);
  }
  if (!options['no-explain']) await explainAll(client);
} finally {
  await orm.close();
  await client.end();
}

async function explainAll(connection: pg.Client): Promise<void> {
  const plans: string[] = [];
  connection.on('notice', (notice) => {
    if (notice.message?.includes('Query Text:')) plans.push(notice.message);
  });
  const onClient = { read: async (q: pg.QueryConfig) => (await connection.query(q)).rows } as unknown as RoutedQueries;
  const ports: Ports = {
    repository: new PostgresOpportunityRepository(orm, onClient),
    search: new PostgresOpportunitySearch(orm, undefined, onClient),
  };
  for (const name of chosen) {
    const run = CLASSES[name] as (ports: Ports) => Promise<unknown>;
    for (let i = 0; i < 5; i++) await run(ports);
    await connection.query(
      "load 'auto_explain'; set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on;" +
        ' set auto_explain.log_buffers = on; set auto_explain.log_level = notice',
    );
    plans.length = 0;
    await run(ports);
    await connection.query('set auto_explain.log_min_duration = -1');
    console.log(`\n## ${name}\n`);
    for (const plan of plans) console.log(`${plan.replace(/Query Text: [^\n]*\n/, '')}\n`);
  }
}
