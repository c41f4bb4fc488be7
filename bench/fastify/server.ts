/**
 * The Fastify 5 peer: GET /:id, the keyset pages and POST of the service, written the way Fastify's
 * documentation recommends, with the same obligations through its ecosystem: JSON-schema validation
 * of params, query and body (Ajv) and response serialization (fast-json-stringify); Fastify's pino
 * logger with one access line per request (a LogController); @fastify/rate-limit (draft-spec
 * `RateLimit-*` headers, reads per address, writes per user); @fastify/helmet configured to the
 * service's five security headers; jose with the key imported once, behind the service's
 * verified-token cache; the request id; the prom-client histogram; `pg` named prepared statements
 * (the service's SQL and names, shared with the limit-with-obligations server). Other paths 404.
 * `npm run build` compiles it to dist/bench/fastify/server.js.
 * Environment: PORT, HOST, DATABASE_URL, JWT_SECRET, POOL_SIZE, RATE_LIMIT_READS, RATE_LIMIT_WRITES.
 */
import { hash, randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { jwtVerify } from 'jose';
import pino from 'pino';
import {
  env,
  FIND_BY_ID,
  problemBody,
  readCursor,
  refusal,
  type Row,
  toJson,
} from '../limit-obligations/obligations.js';
import { opportunity, page, draft, type Draft, idParams, pageQuery } from './schemas.js';
import { createPool, httpMetrics, insertRow, keysetPage } from '../limit-obligations/shared-parts.js';

const PREFIX = '/api/v1/opportunities';
const pool = createPool('fastify-peer');
const { registry, observe } = httpMetrics();

/** One info line per request (Fastify's default is two): the service's access-log fields. */
class AccessLog extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    const seconds = reply.elapsedTime / 1000;
    observe(request.method, route, status, seconds);
    const line = {
      clientIp: request.ip,
      method: request.method,
      route,
      status,
      durationMs: Math.round(seconds * 1e4) / 10,
    };
    if (error) request.log.error({ ...line, err: error }, 'request');
    else request.log.info(line, 'request');
  }
}

const REQUEST_ID = /^[\w.:-]{1,128}$/;
const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
setInterval(() => destination.flush(), 1000).unref();
const app = Fastify({
  logger: { level: 'info', base: { service: 'opportunities' }, stream: destination },
  logController: new AccessLog({ requestIdLogLabel: 'requestId' }),
  requestIdHeader: false,
  genReqId: (req) => {
    const incoming = req.headers['x-request-id'];
    return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  },
  keepAliveTimeout: 5000, // node:http's default, as the service answers
  ajv: { customOptions: { allErrors: true, coerceTypes: true, removeAdditional: true } },
});

interface Actor {
  readonly userId: string;
}
declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | undefined;
  }
}
app.decorateRequest('actor', undefined);

// The key is imported once (as a CryptoKey); accepted tokens are remembered like the service does.
const key = await crypto.subtle.importKey(
  'raw',
  Buffer.from(env('JWT_SECRET')),
  { name: 'HMAC', hash: 'SHA-256' },
  false,
  ['verify'],
);
const verified = new Map<string, { actor: Actor; until: number }>();
async function authenticate(header: string): Promise<Actor | undefined> {
  const parts = header.trim().split(/\s+/);
  if (parts[0] !== 'Bearer') return undefined;
  if (parts.length !== 2)
    throw refusal(
      401,
      'bad_authorization_header',
      'Unauthorized',
      'Authorization header must contain two space-delimited values',
    );
  const token = parts[1] as string;
  const digest = hash('sha256', token, 'base64url');
  const now = Date.now();
  const hit = verified.get(digest);
  if (hit !== undefined && now < hit.until) return hit.actor;
  let actor: Actor;
  let exp: number;
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'jti', 'token_type', 'user_id'],
    });
    if (payload.token_type !== 'access' || typeof payload.jti !== 'string' || payload.jti === '')
      throw new Error('claims');
    if (payload.iat !== undefined && payload.iat > now / 1000) throw new Error('iat');
    const userId = payload.user_id;
    if (typeof userId !== 'string' && !Number.isSafeInteger(userId)) throw new Error('user_id');
    actor = { userId: String(userId) };
    exp = payload.exp as number;
  } catch {
    throw refusal(401, 'token_not_valid', 'Unauthorized', 'Given token not valid for any token type', {
      'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"',
    });
  }
  if (verified.size >= 10_000) verified.delete(verified.keys().next().value as string);
  verified.set(digest, { actor, until: Math.min(exp * 1000, now + 60_000) });
  return actor;
}

app.addHook('onRequest', async (request, reply) => {
  reply.header('X-Request-Id', request.id);
  const header = request.headers.authorization;
  if (header !== undefined) request.actor = await authenticate(header);
});
app.addHook('onSend', async (_request, reply, payload) => {
  if (!reply.hasHeader('cache-control')) reply.header('Cache-Control', 'no-store');
  return payload;
});

await app.register(helmet, {
  // Exactly the service's set: a JSON API that no browser should render or frame.
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: { policy: 'same-origin' },
  originAgentCluster: false,
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: { action: 'deny' },
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
});
const budgets = { read: Number(env('RATE_LIMIT_READS', '300')), write: Number(env('RATE_LIMIT_WRITES', '60')) };
const isRead = (request: FastifyRequest) => request.method === 'GET' || request.method === 'HEAD';
await app.register(rateLimit, {
  enableDraftSpec: true,
  timeWindow: 60_000,
  max: (request) => (isRead(request) ? budgets.read : budgets.write),
  keyGenerator: (request) =>
    isRead(request)
      ? `read:ip:${request.ip}`
      : request.actor
        ? `write:user:${request.actor.userId}`
        : `write:ip:${request.ip}`,
  errorResponseBuilder: (_request, context) =>
    refusal(429, 'rate_limited', 'Too many requests', `Rate limit of ${context.max} requests per 60 s exceeded`),
});

app.setErrorHandler(
  (
    error: Error & { problem?: ReturnType<typeof refusal>['problem']; validation?: unknown[]; statusCode?: number },
    request,
    reply,
  ) => {
    let problem = error.problem;
    if (problem === undefined && error.validation) {
      const issues = (
        error.validation as { instancePath: string; message?: string; params: { missingProperty?: string } }[]
      ).map((issue) => ({
        field: (issue.params.missingProperty ?? issue.instancePath.slice(1)) || 'body',
        message: issue.message ?? 'is invalid',
      }));
      problem = refusal(
        400,
        'validation_failed',
        'Invalid request',
        'The request is not valid',
        undefined,
        issues,
      ).problem;
    }
    if (problem === undefined && error.statusCode !== undefined && error.statusCode < 500) {
      problem = refusal(error.statusCode, 'bad_request', 'Bad request', error.message).problem;
    }
    if (problem === undefined) {
      request.log.error({ err: error }, 'unhandled error');
      problem = refusal(500, 'internal_error', 'Internal server error', 'An unexpected error occurred').problem;
    }
    reply
      .code(problem.status)
      .headers(problem.headers ?? {})
      .type('application/problem+json')
      .send(problemBody(problem));
  },
);
app.setNotFoundHandler((_request, reply) => {
  const { problem } = refusal(404, 'route_not_found', 'Not found', 'No such endpoint');
  reply.code(404).type('application/problem+json').send(problemBody(problem));
});

app.get('/health', async () => {
  await pool.query('select 1');
  return { status: 'ok', database: 'up' };
});
app.get('/metrics', { config: { rateLimit: false } }, async (_request, reply) =>
  reply.type(registry.contentType).send(await registry.metrics()),
);

app.get<{ Params: { id: string } }>(
  `${PREFIX}/:id`,
  { schema: { params: idParams, response: { 200: opportunity } } },
  async (request, reply) => {
    const id = request.params.id.toLowerCase();
    const { rows } = await pool.query<Row>({ name: FIND_BY_ID.name, text: FIND_BY_ID.text, values: [id] });
    const row = rows[0];
    if (row === undefined) throw refusal(404, 'not_found', 'Not found', `Opportunity ${id} was not found`);
    const etag = `"${row.version}"`;
    reply.header('Cache-Control', 'no-cache').header('ETag', etag);
    const ifNoneMatch = (request.headers['if-none-match'] ?? '').trim();
    if (ifNoneMatch === '*' || ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
      return reply.code(304).send();
    }
    return toJson(row);
  },
);

app.get<{ Querystring: { limit?: number; cursor?: string } }>(
  PREFIX,
  { schema: { querystring: pageQuery, response: { 200: page } } },
  async (request) => {
    const limit = request.query.limit ?? 20;
    const cursor = request.query.cursor === undefined ? undefined : readCursor(request.query.cursor);
    const at = request.url.indexOf('?');
    return keysetPage(pool, PREFIX, new URLSearchParams(at < 0 ? '' : request.url.slice(at + 1)), limit, cursor);
  },
);

app.post<{ Body: Draft }>(
  PREFIX,
  {
    schema: { body: draft, response: { 201: opportunity } },
    // A write needs a token before its body is looked at.
    preValidation: async (request) => {
      if (request.actor === undefined) {
        throw refusal(401, 'not_authenticated', 'Unauthorized', 'Authentication credentials were not provided.', {
          'WWW-Authenticate': 'Bearer realm="api"',
        });
      }
    },
  },
  async (request, reply) => {
    const actor = request.actor as Actor;
    const body = request.body;
    const location = body.location?.trim() || null;
    const row: Row = {
      id: randomUUID(),
      title: body.title.trim(),
      description: body.description.trim(),
      category: body.category,
      location,
      // The bench's writes carry no coordinates.
      latitude: null,
      longitude: null,
      tags: [...new Set((body.tags ?? []).map((tag) => tag.trim()))],
      status: body.status ?? 'open',
      deadline: body.deadline ?? null,
      created_by: actor.userId,
      created_at: new Date(),
      updated_at: new Date(),
      version: 1,
    };
    row.updated_at = row.created_at;
    if (row.title === '' || row.description === '') {
      throw refusal(
        400,
        'validation_failed',
        'Invalid request',
        'Invalid input: title and description must not be blank',
      );
    }
    await insertRow(pool, row);
    return reply.code(201).header('Location', `${PREFIX}/${row.id}`).header('ETag', '"1"').send(toJson(row));
  },
);

await app.listen({ port: Number(env('PORT', '3400')), host: env('HOST', '127.0.0.1') });
const stop = () =>
  void app
    .close()
    .then(() => pool.end())
    .then(() => (destination.flushSync(), process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
