/**
 * Parts both obligation-carrying peers (the limit with obligations, the Fastify peer) run exactly
 * as the service runs them: its pool settings, its request counter and latency histogram, and its
 * keyset page (statements, links, the DRF page shape).
 */
import pg from 'pg';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { type Cursor, env, INSERT, LIST, type Row, toJson, writeCursor } from './obligations.js';

pg.types.setTypeParser(1082, (value: string) => value); // `date` stays 'YYYY-MM-DD'

/**
 * The service's pool at its defaults: size, statement timeout (DB_STATEMENT_TIMEOUT_MS), the
 * driver's read timeout (DB_QUERY_TIMEOUT_MS: a timer a query, which bounds a request when the
 * server hangs), connection timeout, and sessions that plan once without JIT.
 */
export const createPool = (applicationName: string): pg.Pool =>
  new pg.Pool({
    connectionString: env('DATABASE_URL'),
    max: Number(env('POOL_SIZE', '10')),
    application_name: applicationName,
    statement_timeout: 2_500,
    query_timeout: 3_000,
    options: '-c plan_cache_mode=force_generic_plan -c jit=off',
    connectionTimeoutMillis: 2_000,
  });

const labelNames = ['method', 'route', 'status'] as const;
type Label = (typeof labelNames)[number];

/** The default process metrics plus the service's counter and histogram, children kept per label set. */
export function httpMetrics(): {
  registry: Registry;
  observe: (method: string, route: string, status: number, seconds: number) => void;
} {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests', labelNames, registers });
  const durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const series = new Map<string, { count: Counter.Internal; duration: Histogram.Internal<Label> }>();
  const observe = (method: string, route: string, status: number, seconds: number): void => {
    const key = `${method} ${status} ${route}`;
    let child = series.get(key);
    if (child === undefined) {
      const labels = { method, route, status: String(status) };
      child = { count: requests.labels(labels), duration: durations.labels(labels) };
      series.set(key, child);
    }
    child.count.inc();
    child.duration.observe(seconds);
  };
  return { registry, observe };
}

/** One keyset page newest first, linked as the service links: relative, from the path and query only. */
export async function keysetPage(
  pool: pg.Pool,
  path: string,
  query: URLSearchParams,
  limit: number,
  cursor: Cursor | undefined,
) {
  const statement = LIST[cursor === undefined ? 'first' : cursor.d === 'n' ? 'after' : 'before'];
  const values = cursor === undefined ? [limit + 1] : [new Date(cursor.t), cursor.i, limit + 1];
  const { rows } = await pool.query<Row>({ name: statement.name, text: statement.text, values });
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  const backwards = cursor?.d === 'p';
  if (backwards) items.reverse();
  const link = (d: 'n' | 'p', row: Row | undefined): string | null => {
    if (row === undefined) return null;
    const next = new URLSearchParams(query);
    next.set('cursor', writeCursor(d, row));
    return `${path}?${next.toString()}`;
  };
  return {
    next: backwards || more ? link('n', items[items.length - 1]) : null,
    previous: cursor !== undefined && (!backwards || more) ? link('p', items[0]) : null,
    results: items.map(toJson),
  };
}

/** A new row through the service's insert statement (its parameter order). */
export async function insertRow(pool: pg.Pool, row: Row): Promise<void> {
  const { id, title, description, category, location, tags, status, deadline } = row;
  const values = [
    id,
    title,
    description,
    category,
    location,
    tags,
    status,
    deadline,
    row.updated_at,
    row.version,
    row.created_by,
    row.created_at,
  ];
  await pool.query({ name: INSERT.name, text: INSERT.text, values });
}
