/**
 * Variants of the service (node flags, environment, another build) measured interleaved on a kept
 * bench database: each round starts every variant fresh, in a rotating order, and records its idle
 * RSS, req/s and CPU a request on each scenario, and its peak RSS. Usage in bench/README.md.
 */
import { parseArgs } from 'node:util';
import { drain, freePort } from './lib/database.js';
import { runLoad } from './lib/load.js';
import { obligationRequests, scenarios } from './lib/scenarios.js';
import { openKeptDatabase } from './lib/kept-database.js';
import { cpuTimeMs, currentRssMb, startService } from './lib/servers.js';

interface Variant {
  readonly name: string;
  readonly entry?: string;
  readonly flags?: string[];
  readonly env?: Record<string, string>;
}
interface Samples {
  rps: number[];
  cpuUs: number[];
  /** p99 ÷ p50 of each measurement: the tail the GC's pauses make. */
  tail: number[];
}

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    variants: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '6' },
    connections: { type: 'string', default: '32' },
    // `mixed-100`: the rss scenario's load (GET /:id, first page, POST) on 100 connections.
    scenarios: { type: 'string', default: 'get-by-id,post,mixed-100' },
  },
});
if (!values['database-url'] || !values.variants) {
  console.error(
    'Usage: npx tsx bench/service-variants.ts --database-url URL (seeded, e.g. by --keep-database) ' +
      `--variants '[{"name":"a","flags":["--max-semi-space-size=16"],"env":{},"entry":"dist/src/main.js"}]' ` +
      '[--rounds 3] [--duration 6] [--connections 32] [--scenarios get-by-id,post,mixed-100]',
  );
  process.exit(2);
}
const url = values['database-url'];
const variants = JSON.parse(values.variants) as Variant[];
const rounds = Number(values.rounds);
const durationS = Number(values.duration);
const connections = Number(values.connections);
const names = values.scenarios.split(',');

const { db, dbName, fixture, secret, token } = await openKeptDatabase(url);
const all = scenarios({ connections, searchConnections: 8 });
const load: Record<string, Record<string, Samples>> = {};
const memory: Record<string, { idle: number[]; peak: number[] }> = {};

async function measure(variant: Variant): Promise<void> {
  const server = await startService({
    databaseUrl: url,
    secret,
    port: await freePort(),
    poolSize: 10,
    nodeFlags: variant.flags ?? [],
    env: variant.env ?? {},
    ...(variant.entry ? { entry: variant.entry } : {}),
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 500)); // as the rss scenario
    const mine = (memory[variant.name] ??= { idle: [], peak: [] });
    mine.idle.push(currentRssMb(server.pid) ?? 0);
    const context = { server: 'service' as const, fixture, token };
    await runLoad({ url: server.url, connections: 10, requests: obligationRequests(context), amount: 300, maxS: 5 });
    await drain(db, dbName);
    for (const name of names) {
      const mixed = name === 'mixed-100';
      const requests = mixed ? obligationRequests(context) : all.find((s) => s.name === name)?.requests(context);
      if (!requests) throw new Error(`unknown scenario ${name}`);
      const before = cpuTimeMs(server.pid) ?? 0;
      const run = await runLoad({ url: server.url, connections: mixed ? 100 : connections, requests, durationS });
      if (run.errors > 0 || run.non2xx > 0) throw new Error(`${variant.name} ${name}: ${JSON.stringify(run.statuses)}`);
      const samples = ((load[name] ??= {})[variant.name] ??= { rps: [], cpuUs: [], tail: [] });
      samples.rps.push(run.rps);
      samples.tail.push(Math.round((run.p99 / Math.max(run.p50, 0.001)) * 10) / 10);
      samples.cpuUs.push(Math.round((((cpuTimeMs(server.pid) ?? 0) - before) * 1000) / Math.max(1, run.responses)));
      await drain(db, dbName);
    }
    mine.peak.push(server.memory.peakMb() ?? 0);
  } finally {
    await server.stop();
  }
}

try {
  for (let round = 0; round < rounds; round++) {
    for (const [index] of variants.entries()) {
      const variant = variants[(index + round) % variants.length] as Variant;
      await measure(variant);
      console.log(`round ${round + 1}: ${variant.name} done`);
    }
  }
} finally {
  await db.end();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const list = (xs: number[]) => `${median(xs)} [${xs.join(', ')}]`;
for (const [name, byVariant] of Object.entries(load)) {
  for (const [variant, s] of Object.entries(byVariant)) {
    console.log(
      `${name} ${variant}: req/s ${list(s.rps)}, CPU µs a request ${list(s.cpuUs)}, p99 ÷ p50 ${list(s.tail)}`,
    );
  }
}
for (const [variant, m] of Object.entries(memory)) {
  console.log(`memory ${variant}: idle MB ${list(m.idle)}, peak MB ${list(m.peak)}`);
}
