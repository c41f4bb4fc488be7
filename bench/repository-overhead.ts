/**
 * The repository's own CPU cost per call, without HTTP, load generator or database noise: two
 * builds of PostgresOpportunityRepository (e.g. `main` built into another folder, and this tree)
 * run the same calls against a pool that answers at once with canned rows, in interleaved rounds.
 *
 *   npx tsx bench/repository-overhead.ts <old dist dir> <new dist dir> [rounds]
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { compileOnlyKysely } from '../tests/support/compile-only-kysely.js';

const [oldDist, newDist, roundsArg] = process.argv.slice(2);
if (!oldDist || !newDist) throw new Error('usage: repository-overhead.ts <old dist> <new dist> [rounds]');
const rounds = Number(roundsArg ?? 5);

function row(index: number) {
  return {
    id: randomUUID(),
    title: `Python mentor ${index}`,
    description: 'Teach teenagers the basics of programming.',
    category: 'technology',
    location: 'Remote',
    tags: ['python', 'mentoring'],
    status: 'open',
    deadline: '2027-01-31',
    created_by: '1',
    created_at: '2026-11-24 05:51:51.083+00',
    updated_at: '2026-11-24 05:51:51.083+00',
    version: 1,
    rank: 0.5,
  };
}
const rows = Array.from({ length: 21 }, (_, i) => row(i));
const pool = { query: async () => ({ rows, rowCount: 1 }) };
const kysely = compileOnlyKysely();
const connection = { getNativeClient: async () => pool };
const orm = { em: { getConnection: () => connection, fork: () => ({ getKysely: () => kysely }) } };

type Repository = {
  findById(id: string): Promise<unknown>;
  list(filters: object, page: object): Promise<unknown>;
  search(text: string, filters: object, page: object): Promise<unknown>;
  add(o: object): Promise<void>;
  update(o: object, v: number): Promise<void>;
};
async function load(dist: string): Promise<Repository> {
  const file = path.resolve(dist, 'src/adapters/postgres/opportunities/postgres-opportunity-repository.js');
  const module = (await import(file)) as { PostgresOpportunityRepository: new (o: unknown) => Repository };
  return new module.PostgresOpportunityRepository(orm);
}

const position = { createdAt: new Date('2026-11-24T05:51:51.083Z'), id: randomUUID(), rank: 0.3 };
const opportunity = { ...row(0), createdBy: '1', createdAt: new Date(), updatedAt: new Date() };
const calls: Record<string, (r: Repository) => Promise<unknown>> = {
  findById: (r) => r.findById(position.id),
  'list first page': (r) => r.list({}, { limit: 20 }),
  'list deep page': (r) => r.list({}, { limit: 20, after: position }),
  'list by category': (r) => r.list({ category: 'technology' }, { limit: 20, after: position }),
  search: (r) => r.search('python mentor', {}, { limit: 20, after: position }),
  add: (r) => r.add(opportunity),
  update: (r) => r.update(opportunity, 1),
};

async function opsPerSecond(repository: Repository, call: (r: Repository) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 2_000; i++) await call(repository); // warm-up, compiles shapes
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < 500) {
    for (let i = 0; i < 200; i++) await call(repository);
    n += 200;
  }
  return (n / (performance.now() - start)) * 1000;
}

const builds = { old: await load(oldDist), new: await load(newDist) };
const results: Record<string, { old: number[]; new: number[] }> = {};
for (let round = 0; round < rounds; round++) {
  for (const [name, call] of Object.entries(calls)) {
    results[name] ??= { old: [], new: [] };
    const order = round % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const);
    for (const which of order) results[name][which].push(await opsPerSecond(builds[which], call));
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
console.log(`| call | old calls/s | new calls/s | new/old |\n| --- | --- | --- | --- |`);
for (const [name, { old, new: next }] of Object.entries(results)) {
  console.log(
    `| ${name} | ${Math.round(median(old))} | ${Math.round(median(next))} | ${(median(next) / median(old)).toFixed(2)}× |`,
  );
}
