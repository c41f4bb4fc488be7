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
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/test-database.js';
import {
  checkOptions,
  type DjangoOptions,
  djangoEnv,
  isRecord,
  killAndWait,
  OutputTail,
  PROJECT_DIR,
  PYTHON,
  readBody,
  runPython,
} from './django-process.js';

export { type DjangoOptions, djangoAvailable } from './django-process.js';

const READY_TIMEOUT_MS = 20_000;

export interface ProfileResult {
  status: number;
  body: unknown;
  wwwAuthenticate: string | null;
}

export interface StartupTimings {
  migrateMs: number;
  serverReadyMs: number;
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
