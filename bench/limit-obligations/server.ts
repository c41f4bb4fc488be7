/**
 * The limit with obligations: the service's answers to GET /:id, the first (and any keyset) page and
 * POST, with everything observable the service does on them, and nothing else. `node:http`, `pg`
 * (the service's named prepared statements, session options and pool size), `node:crypto` (HS256
 * with simplejwt's checks, the verified-token cache keyed by SHA-256), pino (one info line per
 * request, batched like the service's), prom-client (the same counter and histogram), a request id,
 * the security headers, the fixed-window rate limit with its headers, problem+json refusals. It
 * imports no service code. Other paths answer 404. `npm run build` compiles it to
 * dist/bench/limit-obligations/server.js.
 * Environment: PORT, HOST, DATABASE_URL, JWT_SECRET, POOL_SIZE, RATE_LIMIT_READS, RATE_LIMIT_WRITES.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import pino from 'pino';
import {
  env,
  FIND_BY_ID,
  type Problem,
  problemBody,
  readDraft,
  readPageQuery,
  refusal,
  type Row,
  SECURITY_HEADERS,
  toJson,
} from './obligations.js';
import { type Actor, TokenCache } from './token-cache.js';
import { createPool, httpMetrics, insertRow, keysetPage } from './shared-parts.js';

const PREFIX = '/api/v1/opportunities';
const pool = createPool('limit-obligations');
const tokens = new TokenCache(env('JWT_SECRET'));

// One JSON line per request, batched into writes of 4 KB or every second, as the service logs.
const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
setInterval(() => destination.flush(), 1000).unref();
const logger = pino({ level: 'info', base: { service: 'opportunities' } }, destination);

const { registry, observe } = httpMetrics();

/** Fixed windows of one minute: reads per client address, writes per user. */
const windows = new Map<string, { count: number; resetAt: number }>();
const budgets = { read: Number(env('RATE_LIMIT_READS', '300')), write: Number(env('RATE_LIMIT_WRITES', '60')) };
setInterval(() => {
  const now = Date.now();
  for (const [key, window] of windows) if (window.resetAt <= now) windows.delete(key);
}, 60_000).unref();
function rateLimit(response: http.ServerResponse, bucket: 'read' | 'write', key: string): void {
  const now = Date.now();
  let window = windows.get(key);
  if (window === undefined || window.resetAt <= now) windows.set(key, (window = { count: 0, resetAt: now + 60_000 }));
  window.count += 1;
  const limit = budgets[bucket];
  const reset = Math.max(0, Math.ceil((window.resetAt - now) / 1000));
  response.setHeader('RateLimit-Limit', String(limit));
  response.setHeader('RateLimit-Remaining', String(Math.max(0, limit - window.count)));
  response.setHeader('RateLimit-Reset', String(reset));
  if (window.count > limit) {
    const detail = `Rate limit of ${limit} ${bucket} requests per 60 s exceeded`;
    throw refusal(429, 'rate_limited', 'Too many requests', detail, { 'Retry-After': String(Math.max(1, reset)) });
  }
}

const JSON_TYPE = 'application/json; charset=utf-8';

interface Exchange {
  readonly request: http.IncomingMessage;
  readonly response: http.ServerResponse;
  route: string;
}

function sendJson(response: http.ServerResponse, status: number, body: unknown, type = JSON_TYPE): void {
  const text = JSON.stringify(body);
  response.statusCode = status;
  response.setHeader('Content-Type', type);
  if (!response.hasHeader('Cache-Control')) response.setHeader('Cache-Control', 'no-store');
  response.setHeader('Content-Length', Buffer.byteLength(text));
  response.end(text);
}

async function getById(exchange: Exchange, id: string): Promise<void> {
  const { request, response } = exchange;
  exchange.route = `${PREFIX}/:id`;
  rateLimit(response, 'read', `read:ip:${request.socket.remoteAddress}`);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    throw refusal(400, 'validation_failed', 'Bad request', 'The request is not valid', undefined, [
      { field: 'id', message: 'must be a UUID' },
    ]);
  }
  const { rows } = await pool.query<Row>({ name: FIND_BY_ID.name, text: FIND_BY_ID.text, values: [id.toLowerCase()] });
  const row = rows[0];
  if (row === undefined) throw refusal(404, 'not_found', 'Not found', `Opportunity ${id.toLowerCase()} was not found`);
  response.setHeader('Cache-Control', 'no-cache');
  const etag = `"${row.version}"`;
  const ifNoneMatch = (request.headers['if-none-match'] ?? '').trim();
  if (
    ifNoneMatch !== '' &&
    (ifNoneMatch === '*' || ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag))
  ) {
    response.setHeader('ETag', etag);
    response.statusCode = 304;
    response.end();
    return;
  }
  response.setHeader('ETag', etag);
  sendJson(response, 200, toJson(row));
}

async function list(exchange: Exchange, url: URL): Promise<void> {
  const { request, response } = exchange;
  exchange.route = PREFIX;
  rateLimit(response, 'read', `read:ip:${request.socket.remoteAddress}`);
  const { limit, cursor } = readPageQuery(url.searchParams);
  sendJson(response, 200, await keysetPage(pool, PREFIX, url.searchParams, limit, cursor));
}

async function create(exchange: Exchange, actor: Actor | undefined): Promise<void> {
  const { request, response } = exchange;
  exchange.route = PREFIX;
  rateLimit(response, 'write', actor ? `write:user:${actor.userId}` : `write:ip:${request.socket.remoteAddress}`);
  if (actor === undefined) {
    throw refusal(401, 'not_authenticated', 'Unauthorized', 'Authentication credentials were not provided.', {
      'WWW-Authenticate': 'Bearer realm="api"',
    });
  }
  const draft = await readDraft(request);
  const now = new Date();
  const row: Row = {
    id: randomUUID(),
    ...draft,
    // The bench's writes carry no coordinates.
    latitude: null,
    longitude: null,
    created_by: actor.userId,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  await insertRow(pool, row);
  response.setHeader('Location', `${PREFIX}/${row.id}`);
  response.setHeader('ETag', '"1"');
  sendJson(response, 201, toJson(row));
}

async function route(exchange: Exchange): Promise<void> {
  const { request, response } = exchange;
  const url = new URL(request.url ?? '/', 'http://localhost');
  const path = url.pathname;
  const method = request.method ?? 'GET';
  const actor = request.headers.authorization === undefined ? undefined : tokens.verify(request.headers.authorization);
  if (method === 'GET' && path === '/health') {
    await pool.query('select 1');
    sendJson(response, 200, { status: 'ok', database: 'up' });
    return;
  }
  if (method === 'GET' && path === '/metrics') {
    response.setHeader('Content-Type', registry.contentType);
    response.end(await registry.metrics());
    return;
  }
  if (path === PREFIX && method === 'GET') return list(exchange, url);
  if (path === PREFIX && method === 'POST') return create(exchange, actor);
  if (method === 'GET' && path.startsWith(`${PREFIX}/`) && path.indexOf('/', PREFIX.length + 1) < 0) {
    return getById(exchange, decodeURIComponent(path.slice(PREFIX.length + 1)));
  }
  throw refusal(404, 'route_not_found', 'Not found', 'No such endpoint');
}

function answerProblem(response: http.ServerResponse, problem: Problem): void {
  for (const [name, value] of Object.entries(problem.headers ?? {})) response.setHeader(name, value);
  sendJson(response, problem.status, problemBody(problem), 'application/problem+json');
}

const server = http.createServer((request, response) => {
  const started = process.hrtime.bigint();
  const incoming = request.headers['x-request-id'];
  const requestId = typeof incoming === 'string' && /^[\w.:-]{1,128}$/.test(incoming) ? incoming : randomUUID();
  response.setHeader('X-Request-Id', requestId);
  for (const [name, value] of SECURITY_HEADERS) response.setHeader(name, value);
  const exchange: Exchange = { request, response, route: 'unmatched' };
  let hosts = 0;
  for (let i = 0; i < request.rawHeaders.length; i += 2)
    if (request.rawHeaders[i]?.toLowerCase() === 'host') hosts += 1;
  const work =
    hosts > 1
      ? Promise.reject(refusal(400, 'duplicate_host', 'Bad request', 'The request has more than one Host header'))
      : route(exchange);
  work
    .catch((error: unknown) => {
      if (response.headersSent) return;
      const problem = (error as { problem?: Problem }).problem;
      if (problem !== undefined) return answerProblem(response, problem);
      logger.error({ err: error, requestId }, 'unhandled error');
      answerProblem(response, {
        status: 500,
        code: 'internal_error',
        title: 'Internal server error',
        detail: 'An unexpected error occurred',
      });
    })
    .finally(() => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const { route: matched } = exchange;
      const status = response.statusCode;
      observe(request.method ?? 'GET', matched, status, seconds);
      const durationMs = Math.round(seconds * 1e4) / 10;
      const clientIp = request.socket.remoteAddress;
      logger.info({ requestId, clientIp, method: request.method, route: matched, status, durationMs }, 'request');
    });
});

server.listen(Number(env('PORT', '3300')), env('HOST', '127.0.0.1'));
const stop = () => {
  server.close(() => void pool.end().then(() => (destination.flushSync(), process.exit(0))));
  server.closeIdleConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
