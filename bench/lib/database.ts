import { createServer } from 'node:net';
import pg from 'pg';
import { startEmbeddedDatabase } from '../../src/adapters/embedded-postgres/embedded-database.js';

/** The bench's own database on a PostgreSQL server, recreated empty for every run. */
export interface BenchDatabase {
  /** URL of the dedicated database the servers under test use. */
  readonly url: string;
  readonly name: string;
  /** Where it runs: "DATABASE_URL" or "embedded". */
  readonly source: string;
  /** A connection for the bench's own queries (seeding, counts, checks). */
  readonly client: pg.Client;
  /** Ends the bench connection, drops the database if asked, stops an embedded server. */
  close(drop: boolean): Promise<void>;
}

/** BENCH_DATABASE picks another name, so two benches can share one PostgreSQL server. */
export const BENCH_DATABASE = process.env.BENCH_DATABASE?.trim() || 'opportunities_bench';

/** Same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Uses the server in DATABASE_URL, else starts the embedded PostgreSQL (cluster in
 * `.data/bench/postgres`, kept between runs), then drops and recreates the bench database; with
 * `keepExisting`, an existing database of that name is opened as it is (`existed` says which).
 */
export async function openBenchDatabase(
  name = BENCH_DATABASE,
  keepExisting = false,
): Promise<BenchDatabase & { existed: boolean }> {
  const configured = process.env.DATABASE_URL?.trim();
  let serverUrl: string;
  let stopServer: () => Promise<void> = async () => undefined;
  if (configured) {
    serverUrl = configured;
  } else {
    const embedded = await startEmbeddedDatabase({
      dataDir: '.data/bench',
      port: await freePort(),
      database: 'postgres',
    });
    serverUrl = embedded.url;
    stopServer = () => embedded.stop();
  }
  const quoted = `"${name.replaceAll('"', '""')}"`;
  const existed = await withClient(serverUrl, async (admin) => {
    const found = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
    if (found && keepExisting) return true;
    await admin.query(`drop database if exists ${quoted} with (force)`);
    await admin.query(`create database ${quoted}`);
    return false;
  });
  const url = withDatabase(serverUrl, name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    url,
    name,
    source: configured ? 'DATABASE_URL' : 'embedded',
    client,
    existed,
    close: async (drop) => {
      await client.end().catch(() => undefined);
      if (drop) await withClient(serverUrl, (admin) => admin.query(`drop database if exists ${quoted} with (force)`));
      await stopServer();
    },
  };
}

export async function postgresVersion(client: pg.Client): Promise<string> {
  const result = await client.query<{ version: string }>('select version()');
  return result.rows[0]?.version ?? 'unknown';
}

export async function countRows(client: pg.Client): Promise<number> {
  const result = await client.query<{ n: string }>('select count(*) as n from opportunity');
  return Number(result.rows[0]?.n ?? 0);
}

/** Sum of versions over one creator's rows: every successful update adds exactly one. */
export async function versionSum(client: pg.Client, createdBy: string): Promise<number> {
  const result = await client.query<{ n: string | null }>(
    'select sum(version) as n from opportunity where created_by = $1',
    [createdBy],
  );
  return Number(result.rows[0]?.n ?? 0);
}

/**
 * Waits until no other session runs a statement in the bench database, so work left over from
 * one measurement (queries of requests autocannon gave up on) never leaks into the next. After
 * `graceMs` the leftovers are cancelled (their clients are gone anyway). Returns how many
 * cancellations that took; bounded by `timeoutMs` in all.
 */
export async function drain(
  client: pg.Client,
  database: string,
  graceMs = 30_000,
  timeoutMs = 120_000,
): Promise<number> {
  const started = Date.now();
  let quietPolls = 0;
  let cancelled = 0;
  while (Date.now() - started < timeoutMs) {
    const cancel = Date.now() - started > graceMs;
    const result = await client.query<{ pid: number }>(
      "select pid from pg_stat_activity where datname = $1 and state = 'active' and pid <> pg_backend_pid()",
      [database],
    );
    quietPolls = result.rows.length === 0 ? quietPolls + 1 : 0;
    if (quietPolls >= 3) return cancelled;
    if (cancel) {
      for (const { pid } of result.rows) await client.query('select pg_cancel_backend($1)', [pid]);
      cancelled += result.rows.length;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return cancelled;
}
