import os from 'node:os';
import type pg from 'pg';
import { drain } from './database.js';
import { type LoadResult, percentile, runLoad } from './load.js';
import { clean } from './measure.js';
import { BodyCheck, classRequest, MIX, type MixKind, mixedRequests, type NearClass } from './near-classes.js';
import type { Check } from './scenarios.js';
import { WRITER_USER_ID } from './seed.js';

export interface Measurement {
  readonly result: LoadResult;
  /** The 1-minute load average before and after the measurement. */
  readonly load: readonly [number, number];
}

export interface MixedMeasurement extends Measurement {
  readonly kinds: Record<MixKind, { responses: number; p50: number; p99: number }>;
  readonly created: number;
}

export interface Target {
  readonly url: string;
  readonly db: pg.Client;
  readonly dbName: string;
  readonly durationS: number;
  readonly checks: Check[];
  readonly log: (line: string) => void;
}

const loadNow = (): number => Math.round((os.loadavg()[0] ?? 0) * 100) / 100;
const describe = (r: LoadResult, bodies: BodyCheck): string =>
  `${r.responses} responses, statuses ${JSON.stringify(r.statuses)}, ${r.errors - r.timeouts} errors, ` +
  `${r.timeouts} timed out, ${bodies.failures} wrong (warm-up included)${bodies.example ? ` (first: ${bodies.example})` : ''}` +
  `${r.cutShort ? ', cut short' : ''}`;

/** One class at one connection count: a short warm-up, then `durationS` seconds, every answer checked. */
export async function measureClass(target: Target, nearClass: NearClass, connections: number, round: number) {
  const bodies = new BodyCheck();
  const base = { url: target.url, connections, requests: [classRequest(nearClass, bodies)] };
  const warmup = await runLoad({ ...base, amount: Math.max(connections * 10, 50), maxS: 3 });
  await drain(target.db, target.dbName);
  const before = loadNow();
  const result = await runLoad({ ...base, durationS: target.durationS });
  const measured: Measurement = { result, load: [before, loadNow()] };
  await drain(target.db, target.dbName);
  target.checks.push({
    name: `${nearClass.name}-${connections}, round ${round + 1}: every answer 200 with the class's body`,
    ok: clean(warmup) && clean(result) && bodies.failures === 0 && result.responses > 0,
    detail: describe(result, bodies),
  });
  target.log(
    `  ${`${nearClass.name}-${connections}`.padEnd(22)} ${String(result.rps).padStart(7)} req/s  p50 ${result.p50}  ` +
      `p95 ${result.p95}  p99 ${result.p99} ms  load ${measured.load.join('→')}` +
      (bodies.empty > 0 ? `  (${bodies.empty} empty answers)` : ''),
  );
  return { measured, empty: bodies.empty };
}

const WRITER = String(WRITER_USER_ID);

/**
 * The mixed load: `amount` requests in all (the same every round, so no write is in flight when the
 * rows are counted), latency per kind; rows created must equal the 201s. The rows written are deleted
 * afterwards (and the table vacuumed) so every round, and a reused database, searches the same rows.
 */
export async function measureMixed(
  target: Target,
  ids: readonly string[],
  token: string,
  connections: number,
  amountFrom: (warmupRps: number) => number,
  round: number,
): Promise<MixedMeasurement> {
  const bodies = new BodyCheck();
  let kind: MixKind = 'read';
  const latencies: Record<MixKind, number[]> = { read: [], page: [], search: [], post: [] };
  const requests = mixedRequests(ids, token, bodies, (k) => (kind = k));
  const onResponse = (_status: number, latencyMs: number) => latencies[kind].push(latencyMs);
  const base = { url: target.url, connections, requests };
  const warmup = await runLoad({ ...base, amount: connections * 10, maxS: 5 });
  await drain(target.db, target.dbName);
  for (const list of Object.values(latencies)) list.length = 0;
  const writerRows = async () =>
    Number((await target.db.query('select count(*) as n from opportunity where created_by = $1', [WRITER])).rows[0]?.n);
  const rowsBefore = await writerRows();
  const before = loadNow();
  const amount = amountFrom(warmup.rps);
  const result = await runLoad({ ...base, amount, maxS: target.durationS * 4 + 30, onResponse });
  const load: [number, number] = [before, loadNow()];
  await drain(target.db, target.dbName);
  const created = (await writerRows()) - rowsBefore;
  const kinds = Object.fromEntries(
    (Object.keys(MIX) as MixKind[]).map((k) => {
      const sorted = Float64Array.from(latencies[k]).sort();
      return [k, { responses: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) }];
    }),
  ) as MixedMeasurement['kinds'];
  const posted = result.statuses['201'] ?? 0;
  target.checks.push({
    name: `mixed-${connections}, round ${round + 1}: every answer right, rows created = 201s = POSTs`,
    ok:
      clean(warmup) &&
      clean(result) &&
      bodies.failures === 0 &&
      !result.cutShort &&
      result.responses === amount &&
      created === posted &&
      posted === kinds.post.responses,
    detail: `${describe(result, bodies)}; ${created} rows created, ${posted} × 201, ${kinds.post.responses} POSTs`,
  });
  await removeWrites(target.db);
  target.log(
    `  ${`mixed-${connections}`.padEnd(22)} ${String(result.rps).padStart(7)} req/s  ` +
      (Object.keys(MIX) as MixKind[]).map((k) => `${k} p50 ${kinds[k].p50} p99 ${kinds[k].p99}`).join(', ') +
      ` ms  load ${load.join('→')}`,
  );
  return { result, load, kinds, created };
}

/** Removes what an interrupted run's mixed load left (then the table holds its seeded rows only). */
export async function removeWrites(db: pg.Client): Promise<number> {
  const removed = (await db.query('delete from opportunity where created_by = $1', [WRITER])).rowCount ?? 0;
  if (removed === 0) return 0;
  // The title postings' trigger deleted theirs too: both tables' dead rows go now, not at autovacuum's whim.
  const postings = (await db.query("select to_regclass('search_title_posting') is not null as p")).rows[0]?.p === true;
  await db.query(`vacuum analyze opportunity${postings ? ', search_title_posting' : ''}`);
  return removed;
}
