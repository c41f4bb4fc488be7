/**
 * Running the Debian Python against the reference Django project: environment, one-off
 * management commands and process clean-up, for DjangoServer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The Debian interpreter: the python3 first on PATH may not see the Debian packages. */
export const PYTHON = '/usr/bin/python3';
export const PROJECT_DIR = fileURLToPath(new URL('../django/', import.meta.url));
const COMMAND_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;
const OUTPUT_LIMIT = 64 * 1024;

export interface DjangoOptions {
  /** SIMPLE_JWT SIGNING_KEY for HS* algorithms (required for them). */
  secret?: string;
  /** SIMPLE_JWT ALGORITHM; default HS256. */
  algorithm?: string;
  /** PEM files for RS* / ES*: SIGNING_KEY and VERIFYING_KEY. */
  privateKeyPath?: string;
  publicKeyPath?: string;
  audience?: string;
  issuer?: string;
  accessLifetimeSeconds?: number;
  refreshLifetimeSeconds?: number;
  leeway?: number;
  /** SIMPLE_JWT ROTATE_REFRESH_TOKENS: a refresh also returns a new refresh token. */
  rotateRefreshTokens?: boolean;
  /** SIMPLE_JWT BLACKLIST_AFTER_ROTATION (with the token_blacklist app): a rotated-out refresh token stops working. */
  blacklistAfterRotation?: boolean;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Keeps the last OUTPUT_LIMIT characters of a stream, for error messages. */
export class OutputTail {
  private text = '';
  append(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-OUTPUT_LIMIT);
  }
  toString(): string {
    return this.text;
  }
}

/** True when /usr/bin/python3 can import Django, DRF, simplejwt and cryptography. */
export async function djangoAvailable(): Promise<boolean> {
  try {
    const check = 'import django, rest_framework, rest_framework_simplejwt, cryptography';
    const result = await runPython(['-c', check], { PATH: '/usr/bin:/bin' });
    return result.code === 0;
  } catch {
    return false; // e.g. ENOENT: no /usr/bin/python3
  }
}

/** Fails fast (before any temp dir or process) on options Django cannot start with. */
export function checkOptions(options: DjangoOptions): void {
  const algorithm = options.algorithm ?? 'HS256';
  if (algorithm.startsWith('HS') && !options.secret) {
    throw new Error(`DjangoServer: a secret is required for ${algorithm}`);
  }
  if (!algorithm.startsWith('HS') && (!options.privateKeyPath || !options.publicKeyPath)) {
    throw new Error(`DjangoServer: privateKeyPath and publicKeyPath are required for ${algorithm}`);
  }
}

/**
 * Builds Django's environment from scratch, so none of the caller's variables (secrets,
 * DATABASE_URL, PYTHONPATH...) leak in; only what the options say.
 */
export function djangoEnv(options: DjangoOptions, sqlitePath: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    PYTHONDONTWRITEBYTECODE: '1', // no __pycache__ in the source tree
    PYTHONUNBUFFERED: '1',
    PYTHONNOUSERSITE: '1',
    DJANGO_SETTINGS_MODULE: 'interop_site.settings',
    DJANGO_SQLITE_PATH: sqlitePath,
    JWT_ALGORITHM: options.algorithm ?? 'HS256',
  };
  const optional: Record<string, string | number | undefined> = {
    JWT_SECRET: options.secret,
    JWT_PRIVATE_KEY_PATH: options.privateKeyPath,
    JWT_PUBLIC_KEY_PATH: options.publicKeyPath,
    JWT_AUDIENCE: options.audience,
    JWT_ISSUER: options.issuer,
    JWT_ACCESS_LIFETIME_SECONDS: options.accessLifetimeSeconds,
    JWT_REFRESH_LIFETIME_SECONDS: options.refreshLifetimeSeconds,
    JWT_LEEWAY: options.leeway,
    JWT_ROTATE_REFRESH_TOKENS:
      options.rotateRefreshTokens === undefined ? undefined : Number(options.rotateRefreshTokens),
    JWT_BLACKLIST_AFTER_ROTATION:
      options.blacklistAfterRotation === undefined ? undefined : Number(options.blacklistAfterRotation),
  };
  for (const [name, value] of Object.entries(optional)) {
    if (value !== undefined) env[name] = String(value);
  }
  return env;
}

export function runPython(args: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, args, {
      cwd: PROJECT_DIR,
      env,
      timeout: COMMAND_TIMEOUT_MS,
    });
    let stdout = '';
    const stderr = new OutputTail();
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => stderr.append(chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr: stderr.toString() }));
  });
}

export async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

export async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
