/**
 * PostgreSQL CPU time per search request, the figure that does not depend on the machine's load:
 * runs each search class through the service's own search adapter on one connection and reads
 * that backend's CPU time from /proc/<pid>/stat (so PostgreSQL must run on this machine).
 *
 *   npx tsx bench/search-cpu.ts --database-url postgres://postgres@127.0.0.1:5432/opportunities_bench \
 *     [--requests 200] [--root /path/to/another/checkout]
 *
 * `--root` measures another checkout's search code (e.g. main, for a before/after) against the
 * same database; its schema must be the one that code expects.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SEARCH_CLASSES } from './lib/scenarios.js';

const { values: options } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    requests: { type: 'string', default: '200' },
    root: { type: 'string', default: path.resolve(import.meta.dirname, '..') },
  },
});
const url = options['database-url'] ?? process.env.DATABASE_URL;
if (!url) throw new Error('Pass --database-url (or set DATABASE_URL)');
const requests = Number(options.requests);
const root = options.root;

const { MikroORM } = await import('@mikro-orm/postgresql');
const { mikroOrmOptions } = await import(path.join(root, 'src/adapters/postgres/schema/mikro-orm-options.ts'));
const { PostgresOpportunitySearch } = await import(
  path.join(root, 'src/adapters/postgres/search/postgres-opportunity-search.ts')
);
const { SearchOpportunities } = await import(
  path.join(root, 'src/application/opportunity/search-opportunities.use-case.ts')
);

/** user + system time of a process, in milliseconds (clock ticks of 10 ms). */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const orm = await MikroORM.init(mikroOrmOptions({ url, poolSize: 1 }));
try {
  const search = new SearchOpportunities(new PostgresOpportunitySearch(orm));
  const [row] = await orm.em.getConnection().execute<{ pid: number }[]>('select pg_backend_pid() as pid');
  const pid = Number(row?.pid);
  console.log(`| query class | PostgreSQL CPU ms / request | fastest wall ms | median wall ms | results |`);
  console.log(`| --- | --- | --- | --- | --- |`);
  for (const { query } of SEARCH_CLASSES) {
    // Warm up: prepared statements, caches.
    for (let i = 0; i < 20; i++) await search.execute(query, {}, { limit: 20 });
    const walls: number[] = [];
    let results = 0;
    const before = await cpuMs(pid);
    for (let i = 0; i < requests; i++) {
      const started = performance.now();
      const page = await search.execute(query, {}, { limit: 20 });
      walls.push(performance.now() - started);
      results = page.items.length;
    }
    const cpu = ((await cpuMs(pid)) - before) / requests;
    walls.sort((a, b) => a - b);
    const median = walls[Math.floor(walls.length / 2)] ?? 0;
    console.log(
      `| ${JSON.stringify(query)} | ${cpu.toFixed(2)} | ${walls[0]?.toFixed(2)} | ${median.toFixed(2)} | ${results} |`,
    );
  }
} finally {
  await orm.close();
}
