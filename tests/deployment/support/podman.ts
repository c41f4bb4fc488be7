import { spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');

/** Local stand-ins for the official images (deploy/stand-ins/build.sh builds and caches them). */
const PREFIX = 'localhost/opportunities-stand-in';
export const STAND_INS = {
  debian: `${PREFIX}/debian:bookworm-slim`,
  node: `${PREFIX}/node:26-bookworm-slim`,
  postgres: `${PREFIX}/postgres:15`,
  redis: `${PREFIX}/redis:7`,
  haproxy: `${PREFIX}/haproxy:2.6`,
} as const;
export type StandIn = keyof typeof STAND_INS;

/** The service image the deployment tests build from the Dockerfile on the node stand-in. */
export const SERVICE_IMAGE = 'localhost/opportunities-service:test';

export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end; never throws for a non-zero exit (the caller judges). */
export function run(
  command: string,
  args: readonly string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? ROOT,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Like `run`, but a non-zero exit is an error that shows the command's output. */
export async function runOk(
  command: string,
  args: readonly string[],
  options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<string> {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    const tail = `${result.stdout}\n${result.stderr}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited with ${result.code}:\n${tail}`);
  }
  return result.stdout;
}

export const podman = (args: readonly string[], timeoutMs = 120_000) => runOk('podman', args, { timeoutMs });

/** Why the container tests cannot run here, or undefined when podman is usable. */
export async function podmanMissing(): Promise<string | undefined> {
  const version = await run('podman', ['--version']).catch(() => undefined);
  if (version?.code !== 0) return 'podman is not installed (bash tests/deployment/install-podman.sh)';
  if (process.getuid?.() !== 0) return 'the container tests run podman as root (rootful), and this is not root';
  return undefined;
}

/** Builds the stand-ins that are missing or out of date (cold: minutes; warm: about a second). */
export async function ensureStandIns(...names: StandIn[]): Promise<void> {
  await runOk('bash', ['deploy/stand-ins/build.sh', ...names], { timeoutMs: 900_000 });
}

/** The Dockerfile built on the node stand-in; podman's layer cache makes a rebuild cheap. */
export async function buildServiceImage(): Promise<string> {
  await ensureStandIns('node');
  await runOk(
    'podman',
    ['build', '--network=host', '--build-arg', `NODE_IMAGE=${STAND_INS.node}`, '-t', SERVICE_IMAGE, '.'],
    { timeoutMs: 900_000 },
  );
  return SERVICE_IMAGE;
}

/** Removes containers by name, ignoring those that are already gone. */
export async function removeContainers(...names: string[]): Promise<void> {
  if (names.length > 0) await run('podman', ['rm', '--force', '--time', '0', ...names]);
}
