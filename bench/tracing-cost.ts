/**
 * `npm run bench:tracing`: what tracing costs. The built service (production configuration, as
 * `npm run bench` runs it) in four variants, measured in interleaved rounds on GET /:id, the first
 * page and POST: a build of a revision without tracing (`--without`, default `main`), tracing
 * configured off (no endpoint), on with parentbased_traceidratio 0.1, and on at 100 %. The spans go
 * to the test suite's OTLP/HTTP receiver (protobuf, counting only: decoding would take CPU from the
 * service on the same machine). Targets: off ≤ 2 %, 0.1 ≤ 5 %, 100 % ≤ 15 % below the build without it.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startOtlpReceiver } from '../tests/support/otlp/otlp-receiver.js';
import { signSimplejwtAccessToken } from '../tests/support/simplejwt-token.js';
import { drain, freePort, openBenchDatabase, postgresVersion } from './lib/database.js';
import { type LoadResult, runLoad } from './lib/load.js';
import { clean } from './lib/measure.js';
import { scenarios } from './lib/scenarios.js';
import { loadFixture, seed, WRITER_USER_ID } from './lib/seed.js';
import { cpuTimeMs, REPO_ROOT, type ServerProcess, startService } from './lib/servers.js';

const VARIANTS = ['without', 'off', 'ratio-0.1', 'full'] as const;
type Variant = (typeof VARIANTS)[number];
const TARGETS: Record<Exclude<Variant, 'without'>, number> = { off: 2, 'ratio-0.1': 5, full: 15 };
const SCENARIOS = ['get-by-id', 'list-first', 'post'];

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '100000' },
    connections: { type: 'string', default: '64' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    without: { type: 'string', default: 'main' },
  },
});
const rows = Number(values.rows);
const connections = Number(values.connections);
const durationS = Number(values.duration);
const rounds = Number(values.rounds);

/** The service as of `revision`, built once into a temporary directory that shares node_modules. */
function buildWithout(revision: string): string {
  const commit = execFileSync('git', ['rev-parse', revision], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const dir = path.join(os.tmpdir(), `opportunities-without-tracing-${commit.slice(0, 12)}`);
  const entry = path.join(dir, 'dist/src/main.js');
  if (existsSync(entry)) return entry;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C '${dir}'`], { cwd: REPO_ROOT });
  symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  execFileSync(path.join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: dir });
  if (readFileSync(entry, 'utf8').length === 0) throw new Error(`${entry} is empty`);
  return entry;
}

async function metric(url: string, series: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const range = (xs: number[]) => `${Math.min(...xs)}–${Math.max(...xs)}`;

async function main(): Promise<void> {
  if (!existsSync(path.join(REPO_ROOT, 'dist/src/main.js'))) throw new Error('run `npm run build` first');
  const withoutEntry = buildWithout(values.without);
  console.log(`Build without tracing: ${values.without} → ${withoutEntry}`);
  const receiver = await startOtlpReceiver({ decode: false });
  const database = await openBenchDatabase();
  const secret = randomBytes(36).toString('base64url');
  const base = { databaseUrl: database.url, secret, poolSize: 10 };
  const tracingEnv = (sampler: Record<string, string>) => ({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_SERVICE_NAME: 'opportunities-bench',
    ...sampler,
  });
  const env: Record<Variant, Record<string, string>> = {
    without: {},
    off: {},
    'ratio-0.1': tracingEnv({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }),
    full: tracingEnv({ OTEL_TRACES_SAMPLER: 'parentbased_always_on' }),
  };
  const servers = {} as Record<Variant, ServerProcess>;
  try {
    for (const variant of VARIANTS) {
      servers[variant] = await startService({
        ...base,
        port: await freePort(),
        env: env[variant],
        ...(variant === 'without' ? { entry: withoutEntry } : {}),
      });
      if (variant === 'without') await seed(database.client, rows);
    }
    const fixture = await loadFixture(database.client, rows);
    const token = await signSimplejwtAccessToken(secret, { userId: WRITER_USER_ID, lifetimeSeconds: 6 * 3600 });
    const chosen = scenarios({ connections, searchConnections: 8 }).filter((s) => SCENARIOS.includes(s.name));
    const results: Record<string, Record<Variant, LoadResult[]>> = {};
    const problems: string[] = [];
    for (const [index, scenario] of chosen.entries()) {
      console.log(`${scenario.name} (${scenario.label}), ${connections} connections`);
      let amount: number | undefined;
      const runs: Record<Variant, LoadResult[]> = { without: [], off: [], 'ratio-0.1': [], full: [] };
      results[scenario.name] = runs;
      for (let round = 0; round < rounds; round += 1) {
        // Each variant goes first, middle and last in turn: drift of the shared machine spreads over all.
        const order = VARIANTS.map((_, i) => VARIANTS[(index + round + i) % VARIANTS.length] as Variant);
        for (const variant of order) {
          const server = servers[variant];
          const context = { server: 'service' as const, fixture, token };
          const load = { url: server.url, connections, requests: scenario.requests(context) };
          const warm = await runLoad({ ...load, amount: Math.max(connections * 10, 200), maxS: 5 });
          amount ??= Math.max(connections * 2, Math.round(warm.rps * durationS));
          await drain(database.client, database.name);
          const cpuBefore = cpuTimeMs(server.pid);
          const result = scenario.write
            ? await runLoad({ ...load, amount, maxS: durationS * 4 + 30 })
            : await runLoad({ ...load, durationS });
          const cpu = cpuTimeMs(server.pid);
          const cpuUs =
            cpu !== null && cpuBefore !== null ? Math.round(((cpu - cpuBefore) * 1000) / result.responses) : 0;
          runs[variant].push({ ...result, serverCpuUsPerRequest: cpuUs });
          await drain(database.client, database.name);
          if (!clean(result) || !clean(warm))
            problems.push(`${scenario.name}/${variant}: ${JSON.stringify(result.statuses)}`);
          console.log(
            `  round ${round + 1} ${variant.padEnd(9)} ${String(result.rps).padStart(6)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  CPU ${cpuUs} µs/req`,
          );
        }
      }
    }
    const dropped: Record<string, number> = {};
    const exported: Record<string, number> = {};
    for (const variant of ['ratio-0.1', 'full'] as const) {
      const url = servers[variant].url;
      exported[variant] = await metric(url, 'tracing_spans_exported_total');
      dropped[variant] =
        (await metric(url, 'tracing_spans_dropped_total{reason="queue_full"}')) +
        (await metric(url, 'tracing_spans_dropped_total{reason="export_failed"}'));
    }

    const cpus = os.cpus();
    const lines = [
      `Date ${new Date().toISOString()}; machine ${cpus.length} × ${cpus[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}; load average at the end ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
      `Node ${process.version}, ${await postgresVersion(database.client)}; ${rows} rows, ${connections} connections, ${durationS} s per run, ${rounds} interleaved rounds; without = ${values.without}`,
      '',
      '| scenario | variant | req/s median (range) | vs without | CPU µs/req median (range) | vs without | target |',
      '| --- | --- | --- | --- | --- | --- | --- |',
    ];
    for (const [name, runs] of Object.entries(results)) {
      const rps0 = median(runs.without.map((r) => r.rps));
      const cpu0 = median(runs.without.map((r) => r.serverCpuUsPerRequest ?? 0));
      for (const variant of VARIANTS) {
        const rps = runs[variant].map((r) => r.rps);
        const cpu = runs[variant].map((r) => r.serverCpuUsPerRequest ?? 0);
        const rpsDelta = variant === 'without' ? '' : `${(((median(rps) - rps0) / rps0) * 100).toFixed(1)} %`;
        const change = ((median(cpu) - cpu0) / cpu0) * 100;
        const cpuDelta = variant === 'without' ? '' : `${change >= 0 ? '+' : ''}${change.toFixed(1)} %`;
        const target = variant === 'without' ? '' : `≤ ${TARGETS[variant]} % fewer req/s`;
        lines.push(
          `| ${name} | ${variant} | ${median(rps)} (${range(rps)}) | ${rpsDelta} | ${median(cpu)} (${range(cpu)}) | ${cpuDelta} | ${target} |`,
        );
      }
    }
    lines.push(
      '',
      `Spans exported (service counters): ratio-0.1 ${exported['ratio-0.1']}, full ${exported.full}; dropped: ratio-0.1 ${dropped['ratio-0.1']}, full ${dropped.full}. Receiver: ${receiver.accepted.requests} export requests, ${(receiver.accepted.bytes / 2 ** 20).toFixed(1)} MiB.`,
      problems.length ? `Problems: ${problems.join('; ')}` : 'Every response 2xx.',
    );
    const report = lines.join('\n');
    console.log(`\n${report}`);
    mkdirSync(path.join(REPO_ROOT, 'bench/results'), { recursive: true });
    const file = path.join(
      REPO_ROOT,
      `bench/results/tracing-cost-${new Date().toISOString().replace(/[:.]/g, '-')}.md`,
    );
    writeFileSync(file, `${report}\n`);
    console.log(`\nWrote ${path.relative(REPO_ROOT, file)}`);
  } finally {
    for (const server of Object.values(servers)) await server.stop().catch(() => undefined);
    await receiver.close();
    await database.close(true);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
