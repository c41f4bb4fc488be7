/**
 * Drives the reference Django + simplejwt 5.2.2 project in ../django for interop tests:
 * migrates a throwaway SQLite database, runs `manage.py runserver` on a free 127.0.0.1
 * port, and exposes login / refresh / profile so tests can compare the Node service's
 * verdict on a token with Django's own.
 *
 * Needs the Debian packages installed by ../install-django.sh (see djangoAvailable()).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The Debian interpreter: the python3 first on PATH may not see the Debian packages. */
const PYTHON = '/usr/bin/python3';
const PROJECT_DIR = fileURLToPath(new URL('../django/', import.meta.url));
const READY_TIMEOUT_MS = 20_000;
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
}

export interface ProfileResult {
  status: number;
  body: unknown;
  wwwAuthenticate: string | null;
}

export interface StartupTimings {
  migrateMs: number;
  serverReadyMs: number;
}

interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Keeps the last OUTPUT_LIMIT characters of a stream, for error messages. */
class OutputTail {
  private text = '';
  append(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-OUTPUT_LIMIT);
  }
  toString(): string {
    return this.text;
  }
}

/** Servers still running, killed by PID if the test process exits without stop(). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class DjangoServer {
  private stopped = false;

  private constructor(
    readonly baseUrl: string,
    readonly timings: StartupTimings,
    private readonly env: NodeJS.ProcessEnv,
    private readonly tempDir: string,
    private readonly child: ChildProcess,
    private readonly stderr: OutputTail,
  ) {}

  static async start(options: DjangoOptions = {}): Promise<DjangoServer> {
    checkOptions(options);
    const tempDir = await mkdtemp(join(tmpdir(), 'django-interop-'));
    const env = djangoEnv(options, join(tempDir, 'db.sqlite3'));
    try {
      const migrateStart = Date.now();
      const migrate = await runPython(['manage.py', 'migrate', '--noinput'], env);
      if (migrate.code !== 0) {
        throw new Error(`Django migrate failed (exit ${String(migrate.code)}):\n${migrate.stderr}`);
      }
      const migrateMs = Date.now() - migrateStart;

      const serverStart = Date.now();
      const port = await freePort();
      const stderr = new OutputTail();
      const child = spawn(PYTHON, ['manage.py', 'runserver', `127.0.0.1:${port}`, '--noreload'], {
        cwd: PROJECT_DIR,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      running.add(child);
      child.stdout?.on('data', (chunk: Buffer) => stderr.append(chunk));
      child.stderr?.on('data', (chunk: Buffer) => stderr.append(chunk));
      child.once('exit', () => running.delete(child));

      const server = new DjangoServer(
        `http://127.0.0.1:${port}`,
        { migrateMs, serverReadyMs: 0 },
        env,
        tempDir,
        child,
        stderr,
      );
      try {
        await server.waitUntilReady();
      } catch (error) {
        await server.stop();
        throw error;
      }
      server.timings.serverReadyMs = Date.now() - serverStart;
      return server;
    } catch (error) {
      await rm(tempDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Creates a user with the create_interop_user management command. */
  async createUser(email: string, password: string, role = 'user'): Promise<{ id: string }> {
    const args = ['manage.py', 'create_interop_user', '--email', email, '--password', password, '--role', role];
    const result = await runPython(args, this.env);
    if (result.code !== 0) {
      throw new Error(`create_interop_user failed (exit ${String(result.code)}):\n${result.stderr}`);
    }
    const parsed: unknown = JSON.parse(result.stdout.trim().split('\n').pop() ?? '');
    if (!isRecord(parsed) || typeof parsed.id !== 'string') {
      throw new Error(`create_interop_user printed no id: ${result.stdout}`);
    }
    return { id: parsed.id };
  }

  /** POST /api/auth/login/ (TokenObtainPairView); throws unless Django answers 200. */
  async login(email: string, password: string): Promise<{ access: string; refresh: string }> {
    const body = await this.postJson('/api/auth/login/', { email, password });
    if (!isRecord(body) || typeof body.access !== 'string' || typeof body.refresh !== 'string') {
      throw new Error(`unexpected login body: ${JSON.stringify(body)}`);
    }
    return { access: body.access, refresh: body.refresh };
  }

  /** POST /api/auth/refresh/ (TokenRefreshView); throws unless Django answers 200. */
  async refresh(refresh: string): Promise<{ access: string }> {
    const body = await this.postJson('/api/auth/refresh/', { refresh });
    if (!isRecord(body) || typeof body.access !== 'string') {
      throw new Error(`unexpected refresh body: ${JSON.stringify(body)}`);
    }
    return { access: body.access };
  }

  /**
   * GET /api/auth/profile/ with the given Authorization header (none when undefined):
   * Django's own JWTAuthentication verdict. Note that fetch trims leading/trailing
   * whitespace from header values.
   */
  async profile(authorizationHeader: string | undefined): Promise<ProfileResult> {
    const headers: Record<string, string> = {};
    if (authorizationHeader !== undefined) headers.authorization = authorizationHeader;
    const response = await fetch(`${this.baseUrl}/api/auth/profile/`, {
      headers,
    });
    return {
      status: response.status,
      body: await readBody(response),
      wwwAuthenticate: response.headers.get('www-authenticate'),
    };
  }

  /** Recent stdout/stderr of runserver (request log, tracebacks). */
  get output(): string {
    return this.stderr.toString();
  }

  /** Stops the runserver process started by start() (by its PID) and removes the temp dir. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await killAndWait(this.child);
    await rm(this.tempDir, { recursive: true, force: true });
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(
          `Django runserver exited early (${String(this.child.exitCode ?? this.child.signalCode)}):\n${this.output}`,
        );
      }
      // A junk token makes Django run JWTAuthentication and its token backend, so a
      // broken JWT configuration shows up here (as a 500) rather than in a test.
      let status: number | undefined;
      try {
        const response = await fetch(`${this.baseUrl}/api/auth/profile/`, {
          headers: { authorization: 'Bearer readiness-probe' },
          signal: AbortSignal.timeout(1_000),
        });
        status = response.status;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      if (status === 401) return;
      if (status !== undefined) {
        throw new Error(`Django answered the readiness probe with ${status} instead of 401:\n${this.output}`);
      }
    }
    throw new Error(`Django runserver did not answer within ${READY_TIMEOUT_MS} ms:\n${this.output}`);
  }

  private async postJson(path: string, payload: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    const body = await readBody(response);
    if (response.status !== 200) {
      throw new Error(`POST ${path} answered ${response.status}: ${JSON.stringify(body)}`);
    }
    return body;
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
function checkOptions(options: DjangoOptions): void {
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
function djangoEnv(options: DjangoOptions, sqlitePath: string): NodeJS.ProcessEnv {
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
  };
  for (const [name, value] of Object.entries(optional)) {
    if (value !== undefined) env[name] = String(value);
  }
  return env;
}

function runPython(args: string[], env: NodeJS.ProcessEnv): Promise<CommandResult> {
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
