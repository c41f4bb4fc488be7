/** Reusable headers, parameters and responses of the contract (OpenAPI 3.1 components). */
import { FACET_BOUND, FACET_FIELDS } from '../../../domain/opportunity/facets.js';
import { NEARBY_ORDERS, NEARBY_RADIUS_KM, POINT_TEXT_PATTERN } from '../../../domain/opportunity/nearby.js';
import { categorySchema, type JsonSchema, limitSchema, problemSchema, ref, statusSchema } from './schemas/schemas.js';

const PROBLEM_JSON = 'application/problem+json';

const integerHeader = (description: string): JsonSchema => ({
  description,
  schema: { type: 'string', pattern: '^\\d+$' },
});

export const headers: Record<string, JsonSchema> = {
  'X-Request-Id': {
    description:
      'The request id: the incoming `X-Request-Id` when it is sane (1–128 of `[A-Za-z0-9_.:-]`), else a new UUID.',
    required: true,
    schema: { type: 'string', pattern: '^[\\w.:-]{1,128}$' },
  },
  ETag: {
    description: 'The version of the resource, strong, e.g. `"3"`. Send it back in `If-Match`.',
    required: true,
    schema: { type: 'string', pattern: '^"\\d+"$' },
  },
  Location: {
    description: 'Path of the created resource.',
    required: true,
    schema: { type: 'string', pattern: '^/api/v1/opportunities/[0-9a-f-]{36}$' },
  },
  'RateLimit-Limit': integerHeader('Requests allowed in the current window (present when rate limiting is on).'),
  'RateLimit-Remaining': integerHeader('Requests left in the current window.'),
  'RateLimit-Reset': integerHeader('Seconds until the window resets.'),
  'Retry-After': { ...integerHeader('Seconds to wait before trying again.'), required: true },
  'Idempotent-Replayed': {
    description: '`true` when this is the recorded answer to an earlier request with the same `Idempotency-Key`.',
    schema: { type: 'string', const: 'true' },
  },
  'WWW-Authenticate': {
    description:
      'RFC 6750: `Bearer realm="api"`, plus `error` and `error_description` when a token or header was refused.',
    required: true,
    schema: { type: 'string', pattern: '^Bearer realm="api"' },
  },
};

const h = (name: string): JsonSchema => ({ $ref: `#/components/headers/${name}` });

/** Headers on every response of the API. */
export const commonHeaders = (): Record<string, JsonSchema> => ({
  'X-Request-Id': h('X-Request-Id'),
  'RateLimit-Limit': h('RateLimit-Limit'),
  'RateLimit-Remaining': h('RateLimit-Remaining'),
  'RateLimit-Reset': h('RateLimit-Reset'),
});

export const withHeaders = (extra: readonly string[]): Record<string, JsonSchema> => ({
  ...commonHeaders(),
  ...Object.fromEntries(extra.map((name) => [name, h(name)])),
});

const problem = (description: string, schema: JsonSchema, extraHeaders: readonly string[] = []): JsonSchema => ({
  description,
  headers: withHeaders(extraHeaders),
  content: { [PROBLEM_JSON]: { schema } },
});

export const responses: Record<string, JsonSchema> = {
  BadRequest: problem('Invalid input: every invalid field is listed in `errors`; or an invalid cursor.', {
    oneOf: [ref('ValidationProblem'), problemSchema(['invalid_cursor'])],
  }),
  BadBody: problem(
    'Invalid input, a body that is not valid JSON or not valid for its `Content-Encoding`, or a missing ' +
      'required `Idempotency-Key`.',
    {
      oneOf: [
        ref('ValidationProblem'),
        problemSchema(['bad_request', 'invalid_content_encoding', 'idempotency_key_required']),
      ],
    },
  ),
  Unauthorized: problem(
    'No credentials where they are needed (`not_authenticated`), a malformed `Authorization` header ' +
      '(`bad_authorization_header`) or a refused token (`token_not_valid`; refresh at Django when `token_error` is `expired`).',
    ref('TokenProblem'),
    ['WWW-Authenticate'],
  ),
  TokenRefused: problem(
    'A refused token (like DRF, even on public endpoints), or a malformed `Authorization: Bearer` header. ' +
      'Without any `Authorization` header this endpoint answers normally.',
    ref('TokenProblem'),
    ['WWW-Authenticate'],
  ),
  Forbidden: problem('Only the creator, or a token with `role: admin`, may change it.', problemSchema(['forbidden'])),
  NotFound: problem('No such opportunity.', problemSchema(['not_found'])),
  PreconditionFailed: problem(
    '`If-Match` names no current version: fetch it again and reapply the change. `ETag` and ' +
      '`currentVersion` say what is current.',
    problemSchema(['version_mismatch'], { currentVersion: { type: 'integer', minimum: 1 } }),
    ['ETag'],
  ),
  Conflict: {
    description:
      '`concurrent_update`: changed or deleted by someone else while this request ran (fetch it again). ' +
      '`idempotency_key_in_flight`: a request with this `Idempotency-Key` is still running; retry after ' +
      '`Retry-After` seconds.',
    headers: {
      ...commonHeaders(),
      'Retry-After': {
        description: 'With `idempotency_key_in_flight`: seconds to wait.',
        schema: { type: 'string', pattern: '^\\d+$' },
      },
    },
    content: {
      'application/problem+json': { schema: problemSchema(['concurrent_update', 'idempotency_key_in_flight']) },
    },
  },
  IdempotencyKeyReused: problem(
    'This `Idempotency-Key` was used with a different request: use a new key for a new request.',
    problemSchema(['idempotency_key_reused']),
  ),
  PreconditionRequired: problem(
    'With `REQUIRE_IF_MATCH`, PUT and DELETE need `If-Match` (an ETag, or `*` for any version).',
    problemSchema(['precondition_required']),
  ),
  NotModified: {
    description: '`If-None-Match` names the current ETag: the copy the client has is current.',
    headers: withHeaders(['ETag']),
  },
  PayloadTooLarge: problem(
    'The body is larger than the limit (64 KiB by default).',
    problemSchema(['payload_too_large']),
  ),
  UnsupportedMediaType: problem(
    'The body must be `application/json`, with no `Content-Encoding` or gzip, deflate, br.',
    problemSchema(['unsupported_media_type', 'unsupported_content_encoding']),
  ),
  RateLimited: problem('Over the rate limit.', problemSchema(['rate_limited']), ['Retry-After']),
  InternalError: problem(
    'Unexpected error: logged with the request id; no details.',
    problemSchema(['internal_error']),
  ),
  ServiceUnavailable: problem(
    'The database is unreachable; try again after `Retry-After` seconds.',
    problemSchema(['service_unavailable']),
    ['Retry-After'],
  ),
};

/** One or both facet fields, each at most once, in either order (with two fields, every list spelled out). */
const FACET_FIELDS_PATTERN = `^(${FACET_FIELDS.flatMap((a) => [a, ...FACET_FIELDS.filter((b) => b !== a).map((b) => `${a},${b}`)]).join('|')})$`;

const queryParameter = (name: string, description: string, schema: JsonSchema): JsonSchema => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

export const parameters: Record<string, JsonSchema> = {
  Id: {
    name: 'id',
    in: 'path',
    required: true,
    description: 'The opportunity id (a UUID; any letter case).',
    schema: { type: 'string', format: 'uuid' },
  },
  CategoryFilter: queryParameter('category', 'Only this category.', categorySchema),
  StatusFilter: queryParameter('status', 'Only this status.', statusSchema),
  CreatedByFilter: queryParameter('createdBy', 'Only those created by this Django `user_id`.', {
    type: 'string',
    minLength: 1,
    maxLength: 255,
  }),
  LocationFilter: queryParameter('location', 'Only this location (compared trimmed).', {
    type: 'string',
    minLength: 1,
    maxLength: 200,
    pattern: '\\S',
  }),
  TagFilter: queryParameter('tag', 'Only those with this tag.', {
    type: 'string',
    minLength: 1,
    maxLength: 40,
    pattern: '\\S',
  }),
  Near: queryParameter(
    'near',
    '`lat,lng` in decimal degrees: only opportunities with coordinates within `radiusKm` of this point ' +
      '(great-circle distance on a sphere of radius 6378.168 km), each with its `distanceKm`.',
    { type: 'string', pattern: POINT_TEXT_PATTERN, examples: ['38.7223,-9.1393'] },
  ),
  // No `default` keyword on these two: they are refused without `near`, and tools such as Swagger
  // UI send a parameter's default with every request.
  RadiusKm: queryParameter(
    'radiusKm',
    `The radius around \`near\`, in km (only with \`near\`; ${NEARBY_RADIUS_KM.default} when absent).`,
    { type: 'number', exclusiveMinimum: 0, maximum: NEARBY_RADIUS_KM.max },
  ),
  Sort: queryParameter(
    'sort',
    '`newest` first (when absent), or `distance`: nearest first, equally distant ones newest first (only with `near`).',
    { type: 'string', enum: [...NEARBY_ORDERS] },
  ),
  Facets: queryParameter(
    'facets',
    `Comma-separated: \`category\`, \`status\`. Adds \`facets\` (value counts over every match, not the page) and ` +
      `\`facetsExact\`: counts are exact up to ${FACET_BOUND.toLocaleString('en')} matches; beyond, they are taken over ` +
      `the first ${(FACET_BOUND + 1).toLocaleString('en')} matches found and \`facetsExact\` is false.`,
    { type: 'string', pattern: FACET_FIELDS_PATTERN, examples: ['category,status'] },
  ),
  Limit: queryParameter('limit', 'Page size.', limitSchema),
  Cursor: queryParameter('cursor', 'Opaque position from a `next` or `previous` link; only from this service.', {
    type: 'string',
    maxLength: 512,
    pattern: '^[A-Za-z0-9_-]+$',
  }),
  RequestId: {
    name: 'X-Request-Id',
    in: 'header',
    required: false,
    description:
      'A request id to correlate logs (e.g. from a gateway); echoed back, or replaced by a UUID when not sane.',
    schema: { type: 'string', examples: ['9f1c2d3e-app-42'] },
  },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Makes a retry safe: a repeated request with the same key (and the same request) gets the first ' +
      'answer back with `Idempotent-Replayed: true` instead of acting twice. 1–255 printable ASCII ' +
      'characters, e.g. a UUID per user action. Required on POST when the service runs with ' +
      '`REQUIRE_IDEMPOTENCY_KEY`.',
    schema: { type: 'string', minLength: 1, maxLength: 255, examples: ['5f0e1c9a-4c1e-4d5b-9d8e-0a1b2c3d4e5f'] },
  },
  IfMatch: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description:
      'Act only if the current version is one of these ETags (e.g. `"3"`, compared strongly; `*` means ' +
      'any), else 412. Required (428 without it) when the service runs with `REQUIRE_IF_MATCH`.',
    schema: { type: 'string', examples: ['"1"'] },
  },
  IfNoneMatch: {
    name: 'If-None-Match',
    in: 'header',
    required: false,
    description: 'The ETag of the copy the client has: 304 with no body when it is still current.',
    schema: { type: 'string', examples: ['"1"'] },
  },
};

/** "Near me" on the listings. */
export const nearParameters = (): JsonSchema[] =>
  ['Near', 'RadiusKm', 'Sort'].map((name) => ({ $ref: `#/components/parameters/${name}` }));

export const pagingParameters = (): JsonSchema[] =>
  ['StatusFilter', 'CreatedByFilter', 'LocationFilter', 'TagFilter', 'Limit', 'Cursor'].map((name) => ({
    $ref: `#/components/parameters/${name}`,
  }));
