/**
 * The limit: the opportunities API with nothing between the socket and the database but what the
 * answer needs. `node:http`, one `pg` Pool with named prepared statements (the service's SQL:
 * keyset pages, full-text search), HS256 checked with `node:crypto` (HMAC-SHA256, constant-time
 * compare, simplejwt's claim checks), the service's JSON. No framework, no logs, no metrics, no
 * limiter. Written from scratch; it imports no service code. It shows how much the service's
 * layers cost; `npm run build` compiles it to dist/bench/limit/server.js.
 * Environment: PORT, HOST, DATABASE_URL, JWT_SECRET, POOL_SIZE.
 */
import { createHmac, createSecretKey, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import pg from 'pg';
import { type Row as ServiceRow, toJson } from '../limit-obligations/obligations.js';

/** A row as the service answers it, with the search's rank where a search selects one. */
type Row = ServiceRow & { rank?: number };

pg.types.setTypeParser(1082, (value: string) => value); // `date` stays 'YYYY-MM-DD'

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: Number(env('POOL_SIZE', '10')) });
const key = createSecretKey(Buffer.from(env('JWT_SECRET'), 'utf8'));
const PREFIX = '/api/v1/opportunities';
const COLUMNS =
  'o.id, o.title, o.description, o.category, o.location, o.latitude, o.longitude, o.tags, o.status, o.deadline, o.created_by, o.created_at, o.updated_at, o.version';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const CATEGORY = /^[a-z0-9-]{1,50}$/;

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const query = <R extends pg.QueryResultRow = Row>(name: string, text: string, values: unknown[]) =>
  pool.query<R>({ name, text, values });

/** Keyset position of a cursor: the service's format (base64url JSON `{d, t, i, r?}`). */
interface Cursor {
  d: 'n' | 'p';
  t: number;
  i: string;
  r?: number;
}

function readCursor(raw: string | null, ranked: boolean): Cursor | undefined {
  if (raw === null) return undefined;
  let cursor: Cursor;
  try {
    cursor = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Cursor;
  } catch {
    throw new Refusal(400, 'Invalid cursor');
  }
  const valid =
    (cursor.d === 'n' || cursor.d === 'p') &&
    Number.isSafeInteger(cursor.t) &&
    typeof cursor.i === 'string' &&
    UUID.test(cursor.i) &&
    (!ranked || Number.isFinite(cursor.r));
  if (!valid) throw new Refusal(400, 'Invalid cursor');
  return cursor;
}

const writeCursor = (d: 'n' | 'p', row: Row): string =>
  Buffer.from(
    JSON.stringify({ d, t: row.created_at.getTime(), i: row.id, ...(row.rank === undefined ? {} : { r: row.rank }) }),
  ).toString('base64url');

/** One keyset page, newest first (or ranked for search): the same statements the service runs. */
async function page(url: URL, filter: { category?: string; search?: string }): Promise<unknown> {
  const rawLimit = url.searchParams.get('limit');
  const limit = rawLimit === null ? 20 : Number(rawLimit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new Refusal(400, 'limit');
  const ranked = filter.search !== undefined;
  const cursor = readCursor(url.searchParams.get('cursor'), ranked);
  const values: unknown[] = [];
  const param = (value: unknown, cast = ''): string => `$${values.push(value)}${cast}`;
  const where: string[] = [];
  let rank = '';
  if (ranked) {
    const tsquery = `websearch_to_tsquery('english', ${param(filter.search)})`;
    rank = `ts_rank(o.search_vector, ${tsquery})::float4`;
    where.push(`o.search_vector @@ ${tsquery}`);
  }
  if (filter.category !== undefined) where.push(`o.category = ${param(filter.category)}`);
  const backwards = cursor?.d === 'p';
  const keys = ranked ? [rank, 'o.created_at', 'o.id'] : ['o.created_at', 'o.id'];
  if (cursor) {
    const position = [
      ...(ranked ? [param(cursor.r, '::float4')] : []),
      param(new Date(cursor.t), '::timestamptz'),
      param(cursor.i, '::uuid'),
    ];
    where.push(`(${keys.join(', ')}) ${backwards ? '>' : '<'} (${position.join(', ')})`);
  }
  const direction = backwards ? 'asc' : 'desc';
  const order = (ranked ? ['rank', 'o.created_at', 'o.id'] : keys).map((k) => `${k} ${direction}`).join(', ');
  const select = ranked ? `${COLUMNS}, ${rank} as rank` : COLUMNS;
  const text = `select ${select} from opportunity o ${where.length > 0 ? `where ${where.join(' and ')}` : ''} order by ${order} limit ${param(limit + 1)}`;
  const name = `${ranked ? 's' : 'l'}${filter.category === undefined ? '' : 'c'}${cursor ? cursor.d : ''}`;
  const { rows } = await query(name, text, values);
  const more = rows.length > limit;
  const items = rows.slice(0, limit);
  if (backwards) items.reverse();
  const link = (d: 'n' | 'p', row: Row | undefined): string | null => {
    if (row === undefined) return null;
    const next = new URL(url);
    next.searchParams.set('cursor', writeCursor(d, row));
    return next.toString();
  };
  const first = items[0];
  const last = items[items.length - 1];
  return {
    next: backwards || more ? link('n', last) : null,
    previous: cursor ? (backwards && !more ? null : link('p', first)) : null,
    results: items.map(toJson),
  };
}

/** simplejwt HS256 access token → user id and admin flag, or a 401. */
function authenticate(request: http.IncomingMessage): { id: string; admin: boolean } {
  const parts = (request.headers.authorization ?? '').trim().split(/\s+/);
  if (parts.length !== 2 || parts[0] !== 'Bearer') throw new Refusal(401, 'Authentication required');
  const token = parts[1] as string;
  const dot1 = token.indexOf('.');
  const dot2 = token.indexOf('.', dot1 + 1);
  if (dot1 < 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0 || token.length > 8192) throw invalid();
  const expected = createHmac('sha256', key).update(token.slice(0, dot2)).digest();
  const given = Buffer.from(token.slice(dot2 + 1), 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  const header = decodeJson(token.slice(0, dot1));
  const claims = decodeJson(token.slice(dot1 + 1, dot2));
  if (header.alg !== 'HS256' || 'crit' in header || 'b64' in header) throw invalid();
  const now = Date.now() / 1000;
  const { exp, nbf, iat, jti, token_type: type, user_id: userId, role } = claims;
  if (typeof exp !== 'number' || exp <= now || (typeof nbf === 'number' && nbf > now)) throw invalid();
  if (typeof iat === 'number' && iat > now) throw invalid();
  if (type !== 'access' || typeof jti !== 'string' || jti === '') throw invalid();
  if (typeof userId !== 'string' && typeof userId !== 'number') throw invalid();
  return { id: String(userId), admin: role === 'admin' };
}

const invalid = () => new Refusal(401, 'Given token not valid for any token type');

function decodeJson(part: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // falls through
  }
  throw invalid();
}

async function readFields(request: http.IncomingMessage): Promise<unknown[]> {
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) throw new Refusal(415, 'Send JSON');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw new Refusal(413, 'Body too large');
    chunks.push(chunk);
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new Refusal(400, 'Invalid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Refusal(400, 'Expected an object');
  const { title, description, category, location, tags, status, deadline } = body;
  if (typeof title !== 'string' || title.trim() === '' || title.length > 200) throw new Refusal(400, 'title');
  if (typeof description !== 'string' || description.trim() === '') throw new Refusal(400, 'description');
  if (typeof category !== 'string' || !CATEGORY.test(category)) throw new Refusal(400, 'category');
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((tag) => typeof tag === 'string'))) {
    throw new Refusal(400, 'tags');
  }
  if (status !== undefined && status !== 'open' && status !== 'closed') throw new Refusal(400, 'status');
  const trimmed = typeof location === 'string' ? location.trim() : '';
  return [
    title.trim(),
    description.trim(),
    category,
    trimmed === '' ? null : trimmed,
    tags ?? [],
    status ?? 'open',
    typeof deadline === 'string' ? deadline : null,
  ];
}

const INSERT = `insert into opportunity (id, title, description, category, location, tags, status, deadline, created_by,
  created_at, updated_at, version) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, 1) returning ${COLUMNS.replaceAll('o.', '')}`;
const UPDATE = `update opportunity o set title = $4, description = $5, category = $6, location = $7, tags = $8,
  status = $9, deadline = $10, updated_at = now(), version = o.version + 1
  where o.id = $1 and (o.created_by = $2 or $3) returning ${COLUMNS}`;

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

async function route(request: http.IncomingMessage): Promise<Answer> {
  const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
  const path = url.pathname;
  if (path === '/health') {
    await pool.query('select 1');
    return { status: 200, body: { status: 'ok' } };
  }
  if (path !== PREFIX && !path.startsWith(`${PREFIX}/`)) throw new Refusal(404, 'Not found');
  const rest = path.slice(PREFIX.length + 1);
  const method = request.method;
  if (method === 'GET') {
    if (rest === '') return { status: 200, body: await page(url, {}) };
    if (rest === 'search') {
      const q = url.searchParams.get('q')?.trim();
      if (!q) throw new Refusal(400, 'q is required');
      return { status: 200, body: await page(url, { search: q }) };
    }
    if (rest.startsWith('category/')) {
      const category = decodeURIComponent(rest.slice('category/'.length));
      if (!CATEGORY.test(category)) throw new Refusal(400, 'category');
      return { status: 200, body: await page(url, { category }) };
    }
    if (!UUID.test(rest)) throw new Refusal(404, 'Not found');
    const { rows } = await query('by-id', `select ${COLUMNS} from opportunity o where o.id = $1`, [rest]);
    if (!rows[0]) throw new Refusal(404, 'Not found');
    return { status: 200, body: toJson(rows[0]), headers: { etag: `"${rows[0].version}"` } };
  }
  if (method === 'POST' && rest === '') {
    const user = authenticate(request);
    const values = await readFields(request);
    const { rows } = await query('insert', INSERT, [randomUUID(), ...values, user.id, new Date()]);
    const row = rows[0] as Row;
    return { status: 201, body: toJson(row), headers: { location: `${PREFIX}/${row.id}`, etag: '"1"' } };
  }
  if (method === 'PUT' && UUID.test(rest)) {
    const user = authenticate(request);
    const values = await readFields(request);
    const { rows } = await query('update', UPDATE, [rest, user.id, user.admin, ...values]);
    if (rows[0]) return { status: 200, body: toJson(rows[0]), headers: { etag: `"${rows[0].version}"` } };
    const found = await query('exists', 'select 1 from opportunity where id = $1', [rest]);
    throw found.rowCount ? new Refusal(403, 'Not the creator') : new Refusal(404, 'Not found');
  }
  throw new Refusal(405, 'Method not allowed');
}

function send(response: http.ServerResponse, answer: Answer): void {
  const body = JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...answer.headers,
  });
  response.end(body);
}

const server = http.createServer((request, response) => {
  route(request).then(
    (answer) => send(response, answer),
    (error: unknown) => {
      if (error instanceof Refusal) return send(response, { status: error.status, body: { detail: error.message } });
      console.error(error);
      send(response, { status: 500, body: { detail: 'Server error' } });
    },
  );
});
server.listen(Number(env('PORT', '3200')), env('HOST', '127.0.0.1'));
const stop = () => {
  server.close(() => void pool.end().then(() => process.exit(0)));
  server.closeIdleConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
