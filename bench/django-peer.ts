/**
 * The Django REST framework peer (issue 29's optional context, a figure and not a target): the
 * service and bench/django-peer (DRF + simplejwt under gunicorn) on GET /:id, the first page and
 * POST, interleaved rounds on a kept bench database. Every answer must be 2xx. Usage in
 * docs/peers-and-memory.md.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { drain, freePort } from './lib/database.js';
import { type LoadResult, runLoad } from './lib/load.js';
import { scenarios } from './lib/scenarios.js';
import { openKeptDatabase } from './lib/kept-database.js';
import { cpuTimeMs, REPO_ROOT, startService } from './lib/servers.js';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    rounds: { type: 'string', default: '3' },
    duration: { type: 'string', default: '6' },
    connections: { type: 'string', default: '32' },
    // gunicorn's advice, (2 x cores) + 1 workers; threaded workers keep connections alive, and 5 x 2
    // threads hold 10 database connections, the service's pool.
    workers: { type: 'string', default: '5' },
    threads: { type: 'string', default: '2' },
  },
});
if (!values['database-url']) {
  console.error('Usage: npx tsx bench/django-peer.ts --database-url URL (a seeded bench database, --keep-database)');
  process.exit(2);
}
const url = values['database-url'];
const SCENARIOS = ['get-by-id', 'list-first', 'post'];

/** A process and its descendants' CPU (gunicorn's workers are children of its master). */
function treeCpuMs(pid: number): number {
  let total = cpuTimeMs(pid) ?? 0;
  try {
    for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)) {
      if (child) total += treeCpuMs(Number(child));
    }
  } catch {
    // the process ended
  }
  return total;
}

interface Running {
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

async function startDjango(secret: string): Promise<Running> {
  const port = await freePort();
  const args = ['-m', 'gunicorn', '--workers', values.workers as string, '--worker-class', 'gthread'];
  args.push('--threads', values.threads as string, '--bind', `127.0.0.1:${port}`, '--access-logfile', '/dev/null');
  const child = spawn('/usr/bin/python3', [...args, 'wsgi:application'], {
    cwd: path.join(REPO_ROOT, 'bench/django-peer'),
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: url, JWT_SECRET: secret, PYTHONDONTWRITEBYTECODE: '1' },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const base = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt += 1) {
    if (child.exitCode !== null || attempt > 100) {
      child.kill();
      throw new Error(
        `the Django peer did not start (Debian's /usr/bin/python3 -m gunicorn: apt-get install gunicorn python3-djangorestframework-simplejwt python3-psycopg2):\n${stderr}`,
      );
    }
    const ok = await fetch(`${base}/api/v1/opportunities?limit=1`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pid = child.pid as number;
  return {
    url: base,
    pid,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const { db, dbName, fixture, secret, token } = await openKeptDatabase(url);
const all = scenarios({ connections: Number(values.connections), searchConnections: 8 });
type Server = 'service' | 'django';
interface Samples {
  rps: number[];
  cpuUs: number[];
  p50: number[];
  p99: number[];
}
const samples = (): Samples => ({ rps: [], cpuUs: [], p50: [], p99: [] });
const results: Record<string, Record<Server, Samples>> = {};

async function measure(server: Server, scenario: string): Promise<void> {
  const running =
    server === 'django'
      ? await startDjango(secret)
      : await startService({ databaseUrl: url, secret, port: await freePort(), poolSize: 10 });
  try {
    const requests = all.find((s) => s.name === scenario)?.requests({ server: 'service', fixture, token });
    if (!requests) throw new Error(`unknown scenario ${scenario}`);
    const connections = Number(values.connections);
    await runLoad({ url: running.url, connections, requests, durationS: 2 }); // warm-up
    await drain(db, dbName);
    const before = treeCpuMs(running.pid);
    const run: LoadResult = await runLoad({
      url: running.url,
      connections,
      requests,
      durationS: Number(values.duration),
    });
    const cpuUs = Math.round(((treeCpuMs(running.pid) - before) * 1000) / Math.max(1, run.responses));
    if (run.errors > 0 || run.non2xx > 0) throw new Error(`${server} ${scenario}: ${JSON.stringify(run.statuses)}`);
    const mine = (results[scenario] ??= { service: samples(), django: samples() })[server];
    mine.rps.push(run.rps);
    mine.cpuUs.push(cpuUs);
    mine.p50.push(run.p50);
    mine.p99.push(run.p99);
    console.log(`${scenario} ${server}: ${run.rps} req/s, ${cpuUs} µs CPU a request, p50 ${run.p50} p99 ${run.p99} ms`);
    await drain(db, dbName);
  } finally {
    await running.stop();
  }
}

try {
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const scenario of SCENARIOS) {
      const order: Server[] = round % 2 === 0 ? ['service', 'django'] : ['django', 'service'];
      for (const server of order) await measure(server, scenario);
    }
  }
} finally {
  await db.end();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
for (const [scenario, byServer] of Object.entries(results)) {
  const ratios = byServer.service.rps.map((rps, index) => rps / (byServer.django.rps[index] ?? Number.NaN));
  for (const [server, r] of Object.entries(byServer)) {
    console.log(
      `${scenario} ${server}: req/s ${median(r.rps)} [${r.rps.join(', ')}], CPU µs a request ${median(r.cpuUs)}, ` +
        `p50 ${median(r.p50)} p99 ${median(r.p99)} ms`,
    );
  }
  console.log(
    `${scenario} service ÷ django: ${median(ratios).toFixed(2)}× [${ratios.map((x) => x.toFixed(2)).join(', ')}]`,
  );
}
