import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const HAPROXY_CONFIG = path.resolve(import.meta.dirname, '../../deploy/haproxy.cfg');

function has(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Debian's HAProxy and openssl, installed when missing (apt, as root). Returns why not when they
 * cannot be had; the caller fails in CI and skips loudly elsewhere.
 */
export function ensureHaproxy(): string | undefined {
  const missing = ['haproxy', 'openssl'].filter((command) => !has(command));
  if (missing.length === 0) return undefined;
  const install = () => execFileSync('apt-get', ['install', '-y', ...missing], { stdio: 'ignore', timeout: 300_000 });
  try {
    try {
      install();
    } catch {
      // A fresh machine may not have package lists yet.
      execFileSync('apt-get', ['update'], { stdio: 'ignore', timeout: 300_000 });
      install();
    }
  } catch (error) {
    return `could not install ${missing.join(', ')} with apt-get: ${(error as Error).message}`;
  }
  return ['haproxy', 'openssl'].every(has) ? undefined : `${missing.join(', ')} still missing after apt-get`;
}

export interface RunningHaproxy {
  readonly url: string;
  /** What HAProxy logged (server state changes, errors). */
  output(): string;
  stop(): Promise<void>;
}

/** deploy/haproxy.cfg as it is (docs/operations.md shows the same file), on a throwaway self-signed certificate. */
export async function startHaproxy(frontendPort: number, backends: readonly [number, number]): Promise<RunningHaproxy> {
  const dir = await mkdtemp(path.join(tmpdir(), 'opportunities-haproxy-'));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
    ],
    { stdio: 'ignore' },
  );
  const pem = path.join(dir, 'haproxy.pem');
  await writeFile(pem, `${await readFile(cert, 'utf8')}${await readFile(key, 'utf8')}`);
  const child: ChildProcess = spawn('haproxy', ['-f', HAPROXY_CONFIG, '-db'], {
    env: {
      PATH: process.env.PATH,
      FRONTEND_BIND: `127.0.0.1:${frontendPort}`,
      TLS_PEM: pem,
      BACKEND_A: `127.0.0.1:${backends[0]}`,
      BACKEND_B: `127.0.0.1:${backends[1]}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, 300));
  if (child.exitCode !== null) throw new Error(`haproxy did not start: ${stderr}`);
  return {
    url: `https://127.0.0.1:${frontendPort}`,
    output: () => stderr,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
