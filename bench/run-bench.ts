/**
 * `npm run bench`: the built service (dist/) against the hand-written Koa baseline (bench/baseline)
 * and the framework-free limit server (bench/limit), on a dedicated, freshly seeded database.
 * See bench/README.md.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signSimplejwtAccessToken } from '../tests/support/simplejwt-token.js';
import { type BenchDatabase, freePort, openBenchDatabase, postgresVersion, drain } from './lib/database.js';
import { runLoad } from './lib/load.js';
import { measureScenario } from './lib/measure.js';
import { type BenchReport, evaluateTargets, printable, type ScenarioRun, writeResults } from './lib/report.js';
import { checkHeaderParity } from './lib/header-parity.js';
import { type Check, checkParity, obligationRequests, scenarios } from './lib/scenarios.js';
import { loadFixture, SEARCH_QUERY, seed, WRITER_USER_ID } from './lib/seed.js';
import {
  BUILT_ENTRIES,
  currentRssMb,
  REPO_ROOT,
  type ServerName,
  type ServerProcess,
  type ServerSettings,
  startBaseline,
  startByName,
  startFastify,
  startLimit,
  startObligations,
  startService,
} from './lib/servers.js';
import { integerOption } from './lib/cli.js';

const USAGE = `Usage: tsx bench/run-bench.ts [--quick] [--rows N] [--connections N] [--duration S] [--rounds N]
       [--search-connections N] [--pool N] [--scenarios a,b,...] [--keep-database] [--node PATH]
       [--service-log FILE]
       [--search-query TEXT] [--service-entry FILE] [--service-flag FLAG]... [--service-env KEY=VALUE]...
Scenarios: get-by-id, list-first, list-deep, category, search, search-8, post, post-key, put, rss (memory: idle, and
100 connections on GET /:id, first page and POST, for the service and each peer)`;

function options() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      rows: { type: 'string' },
      connections: { type: 'string', default: '64' },
      duration: { type: 'string' },
      rounds: { type: 'string' },
      node: { type: 'string' },
      'service-log': { type: 'string' },
      'search-connections': { type: 'string', default: '8' },
      pool: { type: 'string', default: '10' },
      scenarios: { type: 'string' },
      'keep-database': { type: 'boolean', default: false },
      'search-query': { type: 'string', default: SEARCH_QUERY },
      'service-entry': { type: 'string' },
      'service-flag': { type: 'string', multiple: true, default: [] },
      'service-env': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = integerOption(USAGE);
  const quick = values.quick;
  return {
    quick,
    rows: int('rows', values.rows ?? (quick ? '2000' : '100000'), 200),
    connections: int('connections', values.connections, 1),
    durationS: int('duration', values.duration ?? (quick ? '2' : '10'), 1),
    rounds: int('rounds', values.rounds ?? (quick ? '1' : '3'), 1),
    node: values.node ?? process.execPath,
    searchConnections: int('search-connections', values['search-connections'], 1),
    poolSize: int('pool', values.pool, 1),
    only: values.scenarios?.split(',').map((name) => name.trim()),
    keepDatabase: values['keep-database'],
    searchQuery: values['search-query'],
    service: {
      ...(values['service-entry'] ? { entry: values['service-entry'] } : {}),
      nodeFlags: values['service-flag'],
      ...(values['service-log'] ? { logFile: values['service-log'] } : {}),
      env: Object.fromEntries(
        values['service-env'].map((pair) => {
          const at = pair.indexOf('=');
          if (at < 1) throw new Error(`--service-env takes KEY=VALUE, got "${pair}"`);
          return [pair.slice(0, at), pair.slice(at + 1)];
        }),
      ),
    },
  };
}

const log = (line: string): void => console.log(line);
const since = (start: number): number => Math.round(performance.now() - start);

async function main(): Promise<number> {
  const settings = options();
  const missing = BUILT_ENTRIES.filter((file) => !existsSync(path.join(REPO_ROOT, file)));
  if (missing.length > 0) {
    console.error(`${missing.join(', ')} missing: run \`npm run build\` first.`);
    return 2;
  }
  const known = [...scenarios(settings).map((scenario) => scenario.name), 'rss'];
  const unknown = settings.only?.filter((name) => !known.includes(name)) ?? [];
  if (unknown.length > 0) {
    console.error(`Unknown scenario(s): ${unknown.join(', ')}\n${USAGE}`);
    return 2;
  }
  const selected = (name: string): boolean => settings.only === undefined || settings.only.includes(name);
  const secret = randomBytes(36).toString('base64url'); // 48 characters
  const checks: Check[] = [];
  let database: BenchDatabase | undefined;
  const running: ServerProcess[] = [];
  const stopAll = async () => {
    for (const server of running.splice(0)) await server.stop().catch(() => undefined);
  };
  process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));
  try {
    database = await openBenchDatabase();
    const db = database.client;
    const base = { databaseUrl: database.url, secret, poolSize: settings.poolSize, node: settings.node };
    const serverNode = execFileSync(settings.node, ['--version'], { encoding: 'utf8' }).trim();
    log(`Servers run on Node ${serverNode} (${settings.node}).`);
    log(`Database ${database.name} (${database.source}); starting the service…`);
    const service = await startService({ ...base, ...settings.service, port: await freePort() });
    running.push(service);
    const coldStartMs = service.readyMs;
    log(`Service ready in ${coldStartMs} ms (first start: migrations applied). Seeding ${settings.rows} rows…`);
    const started = performance.now();
    await seed(db, settings.rows);
    const seedMs = since(started);
    const fixture = await loadFixture(db, settings.rows, settings.searchQuery);
    log(`Seeded in ${seedMs} ms. Starting the peers…`);
    const baseline = await startBaseline({ ...base, port: await freePort() });
    running.push(baseline);
    const limit = await startLimit({ ...base, port: await freePort() });
    running.push(limit);
    const obligations = await startObligations({ ...base, port: await freePort() });
    running.push(obligations);
    const fastify = await startFastify({ ...base, port: await freePort() });
    running.push(fastify);
    const token = await signSimplejwtAccessToken(secret, {
      userId: WRITER_USER_ID,
      email: 'bench@example.com',
      lifetimeSeconds: 6 * 3600,
    });
    const servers: Record<ServerName, ServerProcess> = { service, baseline, limit, obligations, fastify };

    checks.push(...(await checkParity({ service: service.url, baseline: baseline.url, limit: limit.url }, fixture)));
    for (const peer of [obligations, fastify]) {
      checks.push(...(await checkHeaderParity(service.url, { name: peer.name, url: peer.url }, fixture, token)));
    }
    const runs: ScenarioRun[] = [];
    const measure = { durationS: settings.durationS, db, dbName: database.name, fixture, token, log };
    const chosen = scenarios(settings).filter((scenario) => selected(scenario.name));
    for (const [index, scenario] of chosen.entries()) {
      runs.push(await measureScenario(servers, scenario, settings.rounds, index, measure, checks));
    }
    const servicePeakMb = service.memory.peakMb();
    const baselinePeakMb = baseline.memory.peakMb();
    const limitPeakMb = limit.memory.peakMb();
    await stopAll();

    let restartMs: number | null = null;
    const memoryRuns: MemoryRun[] = [];
    if (selected('rss')) {
      for (const name of ['service', 'obligations', 'fastify', 'limit'] as const) {
        const settingsFor = name === 'service' ? { ...base, ...settings.service } : base;
        const run = await memoryRun(
          name,
          { ...settingsFor, port: await freePort() },
          fixture,
          token,
          database,
          settings.durationS,
        );
        if (name === 'service') restartMs = run.readyMs;
        memoryRuns.push(run);
        checks.push(run.check);
        log(
          `  ${name}: idle ${run.idleMb ?? '-'} MB, peak ${run.peakMb ?? '-'} MB at 100 connections, ${run.rps} req/s`,
        );
      }
    }
    await stopAll();

    const cpus = os.cpus();
    const partial: Omit<BenchReport, 'targets'> = {
      date: new Date().toISOString(),
      command: `tsx bench/run-bench.ts ${process.argv.slice(2).join(' ')}`.trim(),
      settings: {
        rows: settings.rows,
        connections: settings.connections,
        durationS: settings.durationS,
        rounds: settings.rounds,
        quick: settings.quick,
        poolSize: settings.poolSize,
        serverNode: { path: settings.node, version: serverNode },
        service: settings.service,
      },
      machine: {
        cores: cpus.length,
        cpu: cpus[0]?.model.trim() ?? 'unknown',
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
        os: `${os.type()} ${os.release()}`,
        node: process.version,
        postgres: await postgresVersion(db),
      },
      database: { source: database.source, name: database.name },
      timings: {
        serviceColdStartMs: coldStartMs,
        serviceRestartMs: restartMs,
        baselineStartMs: baseline.readyMs,
        limitStartMs: limit.readyMs,
        obligationsStartMs: obligations.readyMs,
        fastifyStartMs: fastify.readyMs,
        seedMs,
      },
      fixture: {
        deepPage: fixture.deep.page,
        deepOffset: fixture.deep.offset,
        searchQuery: fixture.search.query,
        fullTextMatches: fixture.search.fullTextMatches,
        ilikeMatches: fixture.search.ilikeMatches,
      },
      scenarios: runs,
      memory: { servicePeakMb, baselinePeakMb, limitPeakMb, runs: memoryRuns.map(({ check: _check, ...run }) => run) },
      checks,
    };
    const report: BenchReport = { ...partial, targets: settings.quick ? [] : evaluateTargets(partial) };
    log(`\n${printable(report)}`);
    const files = await writeResults(report, path.join(REPO_ROOT, 'bench/results'));
    log(`\nWrote ${files.map((file) => path.relative(REPO_ROOT, file)).join(' and ')}`);
    const failed = checks.filter((check) => !check.ok);
    if (failed.length > 0) log(`\n${failed.length} correctness check(s) failed.`);
    return failed.length > 0 ? 1 : 0;
  } finally {
    await stopAll();
    await database?.close(!settings.keepDatabase);
  }
}

interface MemoryRun {
  readonly server: ServerName;
  readonly readyMs: number;
  readonly idleMb: number | null;
  readonly peakMb: number | null;
  readonly rps: number;
  readonly check: Check;
}

/**
 * A fresh process: its RSS right after it is ready (the service migrated, nothing served yet), a
 * warm-up at 10 connections (a cold process compiles its code and PostgreSQL its plans, and 100 of
 * those at once can wait past the pool's acquire limit), then 100 connections on GET /:id, the first
 * page and POST in turn, the same load for every server; its peak RSS over all of it.
 */
async function memoryRun(
  name: ServerName,
  serverSettings: ServerSettings,
  fixture: Awaited<ReturnType<typeof loadFixture>>,
  token: string,
  database: BenchDatabase,
  durationS: number,
): Promise<MemoryRun> {
  const server = await startByName(name, serverSettings);
  try {
    await new Promise((resolve) => setTimeout(resolve, 500)); // start-up work after the first answer settles
    const idleMb = currentRssMb(server.pid);
    const requests = () => obligationRequests({ server: name, fixture, token });
    const warm = await runLoad({ url: server.url, connections: 10, requests: requests(), amount: 300, maxS: 5 });
    await drain(database.client, database.name);
    const run = await runLoad({ url: server.url, connections: 100, requests: requests(), durationS });
    await drain(database.client, database.name);
    const clean = [warm, run].every((r) => r.errors === 0 && r.non2xx === 0) && !run.cutShort && run.responses > 0;
    return {
      server: name,
      readyMs: server.readyMs,
      idleMb,
      peakMb: server.memory.peakMb(),
      rps: run.rps,
      check: {
        name: `rss run of the ${name} (100 connections): 0 errors, 0 non-2xx`,
        ok: clean,
        detail: `${run.responses} responses, statuses ${JSON.stringify(run.statuses)}, errors ${run.errors}; warm-up statuses ${JSON.stringify(warm.statuses)}`,
      },
    };
  } finally {
    await server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
