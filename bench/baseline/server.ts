/**
 * The baseline: the opportunities API written by hand, in one file, the way a competent engineer
 * would without the service's layers. Koa, @koa/router, one `pg` Pool and jose; one SQL statement
 * per request on the success path, each a named prepared statement (parsed and planned once per
 * connection, as the service's are); the HMAC key imported once; OFFSET pagination from a `page`
 * parameter and `ILIKE '%q%'` search. It exists only to be measured against; `npm run build`
 * compiles it to dist/bench/baseline/server.js. Environment: PORT, HOST, DATABASE_URL,
 * JWT_SECRET, POOL_SIZE.
 */
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { jwtVerify } from 'jose';
import Koa, { type Context } from 'koa';
import pg from 'pg';
import { type Row, toJson } from '../limit-obligations/obligations.js';

pg.types.setTypeParser(1082, (value: string) => value); // `date` stays 'YYYY-MM-DD'

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: Number(env('POOL_SIZE', '10')) });
// Imported once: jose would otherwise import raw secret bytes again on every verification.
const key = await crypto.subtle.importKey(
  'raw',
  new TextEncoder().encode(env('JWT_SECRET')),
  { name: 'HMAC', hash: 'SHA-256' },
  false,
  ['verify'],
);
const PREFIX = '/api/v1/opportunities';
const COLUMNS =
  'id, title, description, category, location, latitude, longitude, tags, status, deadline, created_by, created_at, updated_at, version';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const queryText = (ctx: Context, name: string): string | undefined => {
  const value = ctx.query[name];
  return typeof value === 'string' ? value : undefined;
};

/** A named prepared statement: PostgreSQL parses and plans it once per pooled connection. */
const prepared = <R extends pg.QueryResultRow>(name: string, text: string, values: unknown[]) =>
  pool.query<R>({ name, text, values });

/** `page` (1-based) and `limit` become LIMIT/OFFSET; one extra row tells whether a next page exists. */
async function offsetPage(ctx: Context, name: string, where: string, params: unknown[]): Promise<void> {
  const page = Math.max(1, Number.parseInt(queryText(ctx, 'page') ?? '1', 10) || 1);
  const limit = Math.min(100, Math.max(1, Number.parseInt(queryText(ctx, 'limit') ?? '20', 10) || 20));
  const n = params.length;
  const { rows } = await prepared<Row>(
    name,
    `select ${COLUMNS} from opportunity ${where} order by created_at desc, id desc limit $${n + 1} offset $${n + 2}`,
    [...params, limit + 1, (page - 1) * limit],
  );
  const link = (target: number): string => {
    const url = new URL(ctx.originalUrl, `${ctx.protocol}://${ctx.host}`); // Koa 3: ctx.origin is the Origin header
    url.searchParams.set('page', String(target));
    return url.toString();
  };
  ctx.body = {
    next: rows.length > limit ? link(page + 1) : null,
    previous: page > 1 ? link(page - 1) : null,
    results: rows.slice(0, limit).map(toJson),
  };
}

interface User {
  id: string;
  admin: boolean;
}

async function authenticate(ctx: Context): Promise<User> {
  const [scheme, token, extra] = ctx.get('authorization').trim().split(/\s+/);
  if (scheme !== 'Bearer' || !token || extra !== undefined) throw new HttpError(401, 'Authentication required');
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
    const userId = payload.user_id;
    if (payload.token_type !== 'access' || payload.exp === undefined || typeof payload.jti !== 'string') {
      throw new Error('bad claims');
    }
    if (typeof userId !== 'string' && typeof userId !== 'number') throw new Error('bad user_id');
    return { id: String(userId), admin: payload.role === 'admin' };
  } catch {
    throw new HttpError(401, 'Given token not valid for any token type');
  }
}

async function readJson(ctx: Context): Promise<Record<string, unknown>> {
  if (!ctx.is('application/json')) throw new HttpError(415, 'Send JSON');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw new HttpError(413, 'Body too large');
    chunks.push(chunk);
  }
  const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new HttpError(400, 'Expected an object');
  return body as Record<string, unknown>;
}

/** title, description, category, location, tags, status, deadline: light checks, defaults for the rest. */
function fields(body: Record<string, unknown>): unknown[] {
  const { title, description, category, location, tags, status, deadline } = body;
  if (typeof title !== 'string' || title.trim() === '' || title.length > 200) throw new HttpError(400, 'title');
  if (typeof description !== 'string' || description.trim() === '') throw new HttpError(400, 'description');
  if (typeof category !== 'string' || !/^[a-z0-9-]{1,50}$/.test(category)) throw new HttpError(400, 'category');
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((tag) => typeof tag === 'string'))) {
    throw new HttpError(400, 'tags');
  }
  if (status !== undefined && status !== 'open' && status !== 'closed') throw new HttpError(400, 'status');
  return [
    title.trim(),
    description.trim(),
    category,
    typeof location === 'string' && location.trim() !== '' ? location.trim() : null,
    tags ?? [],
    status ?? 'open',
    typeof deadline === 'string' ? deadline : null,
  ];
}

const router = new Router({ prefix: PREFIX });

router.get('/search', async (ctx) => {
  const q = queryText(ctx, 'q')?.trim();
  if (!q) throw new HttpError(400, 'q is required');
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  await offsetPage(ctx, 'search', 'where title ilike $1 or description ilike $1', [pattern]);
});

router.get('/category/:category', async (ctx) => {
  await offsetPage(ctx, 'category', 'where category = $1', [ctx.params.category]);
});

router.get('/', async (ctx) => {
  await offsetPage(ctx, 'list', '', []);
});

router.get('/:id', async (ctx) => {
  if (!UUID.test(ctx.params.id ?? '')) throw new HttpError(404, 'Not found');
  const { rows } = await prepared<Row>('by-id', `select ${COLUMNS} from opportunity where id = $1`, [ctx.params.id]);
  if (!rows[0]) throw new HttpError(404, 'Not found');
  ctx.body = toJson(rows[0]);
});

router.post('/', async (ctx) => {
  const user = await authenticate(ctx);
  const values = fields(await readJson(ctx));
  const now = new Date();
  const { rows } = await prepared<Row>(
    'insert',
    `insert into opportunity (id, title, description, category, location, tags, status, deadline, created_by,
       created_at, updated_at, version)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, 1) returning ${COLUMNS}`,
    [randomUUID(), ...values, user.id, now],
  );
  ctx.status = 201;
  ctx.body = toJson(rows[0] as Row);
});

router.put('/:id', async (ctx) => {
  const user = await authenticate(ctx);
  if (!UUID.test(ctx.params.id ?? '')) throw new HttpError(404, 'Not found');
  const values = fields(await readJson(ctx));
  const { rows } = await prepared<Row>(
    'update',
    `update opportunity set title = $4, description = $5, category = $6, location = $7, tags = $8, status = $9,
       deadline = $10, updated_at = now(), version = version + 1
     where id = $1 and (created_by = $2 or $3) returning ${COLUMNS}`,
    [ctx.params.id, user.id, user.admin, ...values],
  );
  if (rows[0]) {
    ctx.body = toJson(rows[0]);
    return;
  }
  // Only on failure: tell "not yours" from "not there".
  const found = await prepared('exists', 'select 1 from opportunity where id = $1', [ctx.params.id]);
  throw found.rowCount ? new HttpError(403, 'Not the creator') : new HttpError(404, 'Not found');
});

const app = new Koa();
app.use(async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    ctx.status = error instanceof HttpError ? error.status : error instanceof SyntaxError ? 400 : 500;
    ctx.body = { detail: error instanceof HttpError || error instanceof SyntaxError ? error.message : 'Server error' };
    if (ctx.status === 500) console.error(error);
  }
});
app.use(async (ctx, next) => {
  if (ctx.path !== '/health') return next();
  await pool.query('select 1');
  ctx.body = { status: 'ok' };
});
app.use(router.routes());

const server = app.listen(Number(env('PORT', '3100')), env('HOST', '127.0.0.1'));
const stop = () => {
  server.close(() => void pool.end().then(() => process.exit(0)));
  server.closeIdleConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
