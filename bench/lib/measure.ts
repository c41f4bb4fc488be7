import type pg from 'pg';
import { countRows, versionSum, drain } from './database.js';
import { type LoadResult, runLoad } from './load.js';
import type { ScenarioRun } from './report.js';
import { type Check, type Scenario, type ScenarioContext } from './scenarios.js';
import { type Fixture, WRITER_USER_ID } from './seed.js';
import { cpuTimeMs, SERVER_NAMES, type ServerName, type ServerProcess, takesPart } from './servers.js';

export interface MeasureSettings {
  readonly durationS: number;
  readonly db: pg.Client;
  readonly dbName: string;
  readonly fixture: Fixture;
  readonly token: string;
  readonly log: (line: string) => void;
}

/**
 * Correct means no connection error and no non-2xx answer. A request still unanswered after 30 s
 * (autocannon's timeout) is slowness, a timing result, so it is reported but fails nothing.
 */
export const clean = (r: LoadResult): boolean => r.errors - r.timeouts === 0 && r.non2xx === 0;
const describe = (r: LoadResult): string =>
  `${r.responses} responses, ${r.errors - r.timeouts} errors, ${r.non2xx} non-2xx, ${r.timeouts} timed out, ` +
  `statuses ${JSON.stringify(r.statuses)}`;

/**
 * One server, one scenario, one round: a short warm-up (fixed request count), then the measurement.
 * Reads run for the duration; writes run exactly `writeAmount` requests (the same count on every
 * server and round) so that no request is in flight when rows or versions are counted afterwards.
 */
async function measureOn(
  server: ServerProcess,
  scenario: Scenario,
  settings: MeasureSettings,
  checks: Check[],
  round: number,
  writeAmount: (warmupRps: number) => number,
): Promise<LoadResult> {
  const context: ScenarioContext = { server: server.name, fixture: settings.fixture, token: settings.token };
  const base = { url: server.url, connections: scenario.connections };
  // Warm-up: a fixed number of requests, at most a few seconds (slow ones are just cut off).
  const warmupS = Math.min(5, settings.durationS);
  const warmup = await runLoad({
    ...base,
    requests: scenario.requests(context),
    amount: Math.max(scenario.connections * 10, 200),
    maxS: warmupS,
  });
  await drain(settings.db, settings.dbName);
  const writer = String(WRITER_USER_ID);
  const before =
    scenario.write === 'post'
      ? await countRows(settings.db)
      : scenario.write === 'put'
        ? await versionSum(settings.db, writer)
        : 0;
  const cpuBefore = cpuTimeMs(server.pid);
  const measured = scenario.write
    ? await runLoad({
        ...base,
        requests: scenario.requests(context),
        amount: writeAmount(warmup.rps),
        maxS: settings.durationS * 4 + 30,
      })
    : await runLoad({ ...base, requests: scenario.requests(context), durationS: settings.durationS });
  const cpuAfter = cpuTimeMs(server.pid);
  const result: LoadResult =
    cpuBefore === null || cpuAfter === null || measured.responses === 0
      ? measured
      : { ...measured, serverCpuUsPerRequest: Math.round(((cpuAfter - cpuBefore) * 1000) / measured.responses) };
  const cancelled = await drain(settings.db, settings.dbName);
  const name = `${scenario.name} on the ${server.name}, round ${round + 1}`;
  // Writes must run to completion, or the row and version counts below cannot be compared.
  const complete =
    !scenario.write ||
    (!result.cutShort && result.responses === result.statuses[scenario.write === 'post' ? '201' : '200']);
  checks.push({
    name: `${name}: 0 errors, 0 non-2xx (warm-up and measurement)`,
    // A baseline that answers nothing within the run is too slow to measure, not wrong.
    ok: clean(warmup) && clean(result) && (result.responses > 0 || server.name === 'baseline') && complete,
    detail:
      `${describe(result)}; warm-up ${warmup.errors - warmup.timeouts} errors, ${warmup.non2xx} non-2xx` +
      `${result.cutShort ? '; cut short' : ''}${cancelled > 0 ? `; ${cancelled} abandoned queries cancelled afterwards` : ''}`,
  });
  if (scenario.write === 'post') {
    const created = (await countRows(settings.db)) - before;
    const ok201 = result.statuses['201'] ?? 0;
    checks.push({
      name: `${name}: rows created = 201 responses`,
      ok: created === ok201 && ok201 === result.responses,
      detail: `${created} rows, ${ok201} × 201`,
    });
  }
  if (scenario.write === 'put') {
    const added = (await versionSum(settings.db, writer)) - before;
    const ok200 = result.statuses['200'] ?? 0;
    checks.push({
      name: `${name}: versions added = 200 responses`,
      ok: added === ok200 && ok200 === result.responses,
      detail: `+${added} versions, ${ok200} × 200`,
    });
  }
  settings.log(
    `  ${server.name.padEnd(8)} ${String(result.rps).padStart(7)} req/s  p50 ${result.p50} ms  p95 ${result.p95} ms  p99 ${result.p99} ms  ` +
      `CPU ${result.serverCpuUsPerRequest ?? '-'} µs/req  errors ${result.errors}  non-2xx ${result.non2xx}`,
  );
  return result;
}

/**
 * Every server on one scenario, `rounds` times, interleaved: round r starts with server
 * (offset + r) mod n, so each server goes first, middle and last equally often and drift of the
 * shared machine spreads over all of them. Write scenarios send every server the same number of
 * requests: the first warm-up's rate times the duration.
 */
export async function measureScenario(
  servers: Partial<Record<ServerName, ServerProcess>>,
  scenario: Scenario,
  rounds: number,
  offset: number,
  settings: MeasureSettings,
  checks: Check[],
): Promise<ScenarioRun> {
  const names = SERVER_NAMES.filter((name) => servers[name] !== undefined && takesPart(name, scenario.name));
  settings.log(`${scenario.name} (${scenario.label}), ${scenario.connections} connections, ${rounds} round(s)`);
  let amount: number | undefined;
  const writeAmount = (warmupRps: number): number =>
    (amount ??= Math.min(500_000, Math.max(scenario.connections * 2, Math.round(warmupRps * settings.durationS))));
  const runs: Partial<Record<ServerName, LoadResult[]>> = {};
  for (let round = 0; round < rounds; round += 1) {
    const order = names.map((_, i) => names[(offset + round + i) % names.length] as ServerName);
    settings.log(` round ${round + 1}: ${order.join(', ')}`);
    for (const name of order) {
      const server = servers[name] as ServerProcess;
      const result = await measureOn(server, scenario, settings, checks, round, writeAmount);
      (runs[name] ??= []).push(result);
    }
  }
  return { name: scenario.name, label: scenario.label, connections: scenario.connections, runs };
}
