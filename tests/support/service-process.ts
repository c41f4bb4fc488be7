import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { checkResponsesFrom } from './contract/contract-recorder.js';
import { TEST_SECRET } from './test-service.js';
import { waitUntil as pollUntil } from './wait.js';

const root = path.resolve(import.meta.dirname, '../..');

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly port: number;
  /** Resolves with the exit time (ms since the epoch) and code. */
  readonly exited: Promise<{ at: number; code: number | null }>;
  stderr(): string;
  /** SIGKILL if still running (test cleanup only). */
  kill(): void;
}

export interface SpawnOptions {
  /** Extra modules preloaded with `--import` (e.g. tests/support/exit-gate.mjs). */
  readonly imports?: readonly string[];
  /** Give the child a stdin pipe (the exit gate waits for a line on it). */
  readonly stdin?: boolean;
  /** Node flags before the entry point (e.g. PRODUCTION_NODE_FLAGS). */
  readonly nodeFlags?: readonly string[];
}

/** The real entry point (`src/main.ts`) as its own process, as production runs it. */
export function spawnService(
  port: number,
  databaseUrl: string,
  env: Record<string, string> = {},
  options: SpawnOptions = {},
): ServiceProcess {
  const stopChecking = checkResponsesFrom(`http://127.0.0.1:${port}`);
  const imports = (options.imports ?? []).flatMap((module) => ['--import', module]);
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', ...imports, 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_SECRET,
      HOST: '127.0.0.1',
      PORT: String(port),
      MIGRATE_ON_START: 'false',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: [options.stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ at: number; code: number | null }>((resolve) =>
    child.once('exit', (code) => {
      stopChecking();
      resolve({ at: Date.now(), code });
    }),
  );
  return {
    child,
    port,
    exited,
    stderr: () => stderr,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** `waitUntil` of ./wait.js, in the positional form these process tests use. */
export function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  return pollUntil(check, { timeoutMs, intervalMs: 100, what });
}
