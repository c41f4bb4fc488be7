import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { compileCacheCopy } from './compile-cache.js';

/** The repository root: the servers' working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The service; the hand-written Koa peer; the bare framework-free "limit"; the two peers that carry
 * the service's obligations (limit with obligations, Fastify), which serve GET /:id, pages and POST.
 */
export type ServerName = 'service' | 'baseline' | 'limit' | 'obligations' | 'fastify';
export const SERVER_NAMES: readonly ServerName[] = ['service', 'obligations', 'fastify', 'baseline', 'limit'];
export const OBLIGATION_PEERS: readonly ServerName[] = ['obligations', 'fastify'];
/** The scenarios the obligation-carrying peers take part in. */
export const OBLIGATION_SCENARIOS: readonly string[] = ['get-by-id', 'list-first', 'list-deep', 'post'];
export const takesPart = (server: ServerName, scenario: string): boolean =>
  !OBLIGATION_PEERS.includes(server) || OBLIGATION_SCENARIOS.includes(scenario);

/** Resident memory now (VmRSS) in MB, or null where /proc is unavailable. */
export function currentRssMb(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** Peak resident memory of a child, from /proc (Linux): VmHWM, and VmRSS sampled every 100 ms. */
export class MemorySampler {
  private peakKb = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.timer = setInterval(() => this.sample(), 100);
    this.timer.unref();
  }

  sample(): void {
    try {
      const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
      for (const field of ['VmHWM', 'VmRSS']) {
        const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
        if (match) this.peakKb = Math.max(this.peakKb, Number(match[1]));
      }
    } catch {
      // The process has gone, or this is not Linux: keep what was seen.
    }
  }

  /** Peak RSS in MB, or null where /proc is unavailable. */
  peakMb(): number | null {
    this.sample();
    return this.peakKb === 0 ? null : Math.round((this.peakKb / 1024) * 10) / 10;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * CPU time (user + system) the process has used so far, in ms, from /proc/<pid>/stat; null where
 * /proc is unavailable. Per request it is far steadier than req/s on a machine others load too.
 */
export function cpuTimeMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at state, field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime (14) + stime (15)
    return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}

/** USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ServerProcess {
  readonly name: ServerName;
  readonly url: string;
  readonly pid: number;
  /** Milliseconds from spawn to the first 200 from GET /health. */
  readonly readyMs: number;
  readonly memory: MemorySampler;
  /** The last lines the process wrote, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly name: ServerName;
  /** Arguments after the node executable: node flags, then the script. */
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  readonly port: number;
  readonly readyTimeoutMs?: number;
  /** The node executable (default: the one running the bench). */
  readonly node?: string | undefined;
  /** Where the child's stdout goes: kept in memory for error messages (default), or this file. */
  readonly stdoutFile?: string | undefined;
}

function healthStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get(`${url}/health`, { agent: false, timeout: 1000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Spawns `process.execPath` itself (no npm, no shell) so the PID is the server's, polls
 * GET /health every 10 ms until it answers 200, and stops it by PID: SIGTERM, then SIGKILL after 10 s.
 */
export async function startServer(options: StartOptions): Promise<ServerProcess> {
  const url = `http://127.0.0.1:${options.port}`;
  const lines: string[] = [];
  const started = performance.now();
  // A file (or /dev/null) for stdout keeps the bench process out of the service's log volume.
  const stdoutFd = options.stdoutFile === undefined ? undefined : openSync(options.stdoutFile, 'a');
  const child = spawn(options.node ?? process.execPath, [...options.args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env },
    stdio: ['ignore', stdoutFd ?? 'pipe', 'pipe'],
  });
  if (stdoutFd !== undefined) closeSync(stdoutFd);
  const keep = (chunk: Buffer) => {
    lines.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim() !== ''),
    );
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Could not spawn the ${options.name}`);
  const memory = new MemorySampler(pid);
  const stop = async () => {
    memory.stop();
    if (child.exitCode !== null || child.signalCode !== null) return;
    process.kill(pid, 'SIGTERM');
    const killer = setTimeout(() => process.kill(pid, 'SIGKILL'), 10_000);
    await exited(child);
    clearTimeout(killer);
  };

  const deadline = started + (options.readyTimeoutMs ?? 30_000);
  for (;;) {
    if (child.exitCode !== null) {
      memory.stop();
      throw new Error(
        `The ${options.name} exited with code ${child.exitCode} before it was ready:\n${lines.join('\n')}`,
      );
    }
    if ((await healthStatus(url)) === 200) break;
    if (performance.now() > deadline) {
      await stop();
      throw new Error(
        `The ${options.name} was not ready within ${options.readyTimeoutMs ?? 30_000} ms:\n${lines.join('\n')}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const readyMs = Math.round(performance.now() - started);
  return { name: options.name, url, pid, readyMs, memory, output: () => lines.join('\n'), stop };
}

export interface ServerSettings {
  readonly databaseUrl: string;
  readonly secret: string;
  readonly port: number;
  readonly poolSize: number;
  /** Extra node flags, e.g. --cpu-prof. */
  readonly nodeFlags?: readonly string[];
  /** Extra environment, e.g. METRICS_ENABLED=false. */
  readonly env?: Readonly<Record<string, string>>;
  /** Another build of the service to measure instead of dist/src/main.js. */
  readonly entry?: string;
  /** The node executable for the server (default: the bench's own). */
  readonly node?: string | undefined;
  /** The service's JSON logs go to this file (default /dev/null); other servers log nothing per request. */
  readonly logFile?: string | undefined;
}

/**
 * The node flags production starts the service with: the Dockerfile's CMD and `npm start` pass
 * the same (tests/tooling/production-start.test.ts holds them together). `--expose-gc` lets the
 * service collect its start-up garbage once before traffic (src/main.ts). The heap is pinned, not
 * left to Node: under Kubernetes' 512 MiB limit Node picks a 256 MB old generation and 4 MB
 * semi-spaces (~1.9x the CPU a request at 100 connections), on this 24 GB machine ~4 GB and 32 MB.
 * With 256 and 32 everywhere, the bench measures what every deployment runs.
 */
export const PRODUCTION_NODE_FLAGS: readonly string[] = [
  '--expose-gc',
  '--max-old-space-size=256',
  '--max-semi-space-size=32',
];

/**
 * The environment production starts node with (the Dockerfile's ENV, `npm start`). One malloc
 * arena: the JavaScript runs on one thread and V8's heap is not malloc's, so glibc's per-thread
 * arenas (up to 8 a core) only held freed memory the process never gave back: idle RSS 104 -> 99.8
 * MB, peak at 100 connections 190 -> 188 MB, CPU a request level within the shared machine's noise
 * (docs/peers-and-memory.md, "Memory").
 */
export const PRODUCTION_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '1' };

/** A budget no benchmark reaches: the limiter does all its work and refuses nothing. */
const UNREACHABLE_BUDGET = '1000000000';

/**
 * The built service as production runs it: its node flags (then any of the run's), V8's compile
 * cache as the image makes it, info-level JSON access logs (to a file, /dev/null by default),
 * metrics, request ids, security headers, and the in-memory rate limiter on with a budget no run
 * reaches, so its cost is measured but it refuses nothing. Expects `npm run build`.
 */
export async function startService(settings: ServerSettings): Promise<ServerProcess> {
  const entry = settings.entry ?? 'dist/src/main.js';
  const cache = compileCacheCopy(REPO_ROOT, entry, settings.node ?? process.execPath);
  try {
    const server = await startServer({
      name: 'service',
      node: settings.node,
      stdoutFile: settings.logFile ?? '/dev/null',
      args: [...PRODUCTION_NODE_FLAGS, ...(settings.nodeFlags ?? []), entry],
      port: settings.port,
      env: {
        ...PRODUCTION_ENV,
        NODE_ENV: 'production',
        NODE_COMPILE_CACHE: cache.dir,
        DATABASE_URL: settings.databaseUrl,
        JWT_SECRET: settings.secret,
        PORT: String(settings.port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        MIGRATE_ON_START: 'true',
        DB_POOL_SIZE: String(settings.poolSize),
        METRICS_ENABLED: 'true',
        // On the API port: production's separate metrics port (9464) may be taken on a shared machine,
        // and where /metrics is served does not change what each request costs.
        METRICS_PORT: '0',
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_READS: UNREACHABLE_BUDGET,
        RATE_LIMIT_WRITES: UNREACHABLE_BUDGET,
        ...settings.env,
      },
    });
    return {
      ...server,
      stop: async () => {
        await server.stop();
        cache.remove();
      },
    };
  } catch (error) {
    cache.remove();
    throw error;
  }
}

const PEER_ENTRIES: Record<Exclude<ServerName, 'service'>, string> = {
  baseline: 'dist/bench/baseline/server.js',
  limit: 'dist/bench/limit/server.js',
  obligations: 'dist/bench/limit-obligations/server.js',
  fastify: 'dist/bench/fastify/server.js',
};
export const BUILT_ENTRIES = ['dist/src/main.js', ...Object.values(PEER_ENTRIES)];

/**
 * The hand-written peers, compiled by `npm run build` into dist/bench (no loader at run time). The
 * obligation-carrying ones log a line per request (to /dev/null, as the service's) and get the
 * service's unreachable rate-limit budget.
 */
function startPeer(name: Exclude<ServerName, 'service'>, settings: ServerSettings): Promise<ServerProcess> {
  const obliged = OBLIGATION_PEERS.includes(name);
  return startServer({
    name,
    node: settings.node,
    args: [...(settings.nodeFlags ?? []), PEER_ENTRIES[name]],
    port: settings.port,
    ...(obliged ? { stdoutFile: '/dev/null' } : {}),
    env: {
      ...(obliged ? { RATE_LIMIT_READS: UNREACHABLE_BUDGET, RATE_LIMIT_WRITES: UNREACHABLE_BUDGET } : {}),
      NODE_ENV: 'production',
      DATABASE_URL: settings.databaseUrl,
      JWT_SECRET: settings.secret,
      PORT: String(settings.port),
      HOST: '127.0.0.1',
      POOL_SIZE: String(settings.poolSize),
    },
  });
}

/** The hand-written Koa + pg peer (bench/baseline). */
export const startBaseline = (settings: ServerSettings): Promise<ServerProcess> => startPeer('baseline', settings);

/** The framework-free limit server (bench/limit). */
export const startLimit = (settings: ServerSettings): Promise<ServerProcess> => startPeer('limit', settings);

/** The limit with obligations (bench/limit-obligations). */
export const startObligations = (settings: ServerSettings): Promise<ServerProcess> =>
  startPeer('obligations', settings);

/** The Fastify 5 peer (bench/fastify). */
export const startFastify = (settings: ServerSettings): Promise<ServerProcess> => startPeer('fastify', settings);

export function startByName(name: ServerName, settings: ServerSettings): Promise<ServerProcess> {
  return name === 'service' ? startService(settings) : startPeer(name, settings);
}
