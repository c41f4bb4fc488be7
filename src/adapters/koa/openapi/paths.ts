/** The operations of the contract, one entry per route the Koa adapter registers. */
import { nearParameters, pagingParameters, withHeaders } from './responses.js';
import { type JsonSchema, problemSchema, ref, searchTextSchema } from './schemas/schemas.js';

const JSON_TYPE = 'application/json';
const r = (name: string): JsonSchema => ({ $ref: `#/components/responses/${name}` });
const p = (name: string): JsonSchema => ({ $ref: `#/components/parameters/${name}` });

const json = (description: string, schema: JsonSchema, extraHeaders: readonly string[] = []): JsonSchema => ({
  description,
  headers: withHeaders(extraHeaders),
  content: { [JSON_TYPE]: { schema } },
});

/** Every API operation can meet these: a refused token, the rate limit, an outage, a bug. */
const always = (): Record<string, JsonSchema> => ({
  '429': r('RateLimited'),
  '500': r('InternalError'),
  '503': r('ServiceUnavailable'),
});

const BEARER = [{ bearerAuth: [] }];
/** Public: no token needed, but a token that is sent is checked (DRF authenticates eagerly). */
const PUBLIC = [{}, { bearerAuth: [] }];

/** The answers of the public read operations that take query parameters. */
const readResponses = (description: string, schema: string): Record<string, JsonSchema> => ({
  '200': json(description, ref(schema)),
  '400': r('BadRequest'),
  '401': r('TokenRefused'),
  ...always(),
});

const body = { required: true, content: { [JSON_TYPE]: { schema: ref('OpportunityInput') } } };

export const paths: Record<string, JsonSchema> = {
  '/health': {
    get: {
      operationId: 'getHealth',
      tags: ['operations'],
      summary: 'Readiness: the service and its database',
      description:
        'For a load balancer or an orchestrator: 200 while the database answers; 503 when it does not, or once ' +
        'the instance is shutting down, so traffic goes elsewhere. Read replicas are reported, never make it unready.',
      security: [],
      responses: {
        '200': json('Ready.', ref('Health')),
        '503': json('The database does not answer (within ~1.5 s), or the instance is shutting down.', ref('Health')),
      },
    },
  },
  '/health/live': {
    get: {
      operationId: 'getLiveness',
      tags: ['operations'],
      summary: 'Liveness: the process answers',
      description: 'Checks no dependency, so an orchestrator never restarts a healthy process for a database outage.',
      security: [],
      responses: { '200': json('Alive.', ref('Liveness')) },
    },
  },
  '/metrics': {
    get: {
      operationId: 'getMetrics',
      tags: ['operations'],
      summary: 'Prometheus metrics (when served on this port)',
      description:
        'For a Prometheus scraper. Served on this port when metrics are on (`METRICS_ENABLED`) and `METRICS_PORT` ' +
        'is 0 (production defaults to a port of their own); with `METRICS_TOKEN`, only to a scraper that sends it.',
      security: [],
      responses: {
        '200': {
          description: 'Prometheus text exposition format.',
          headers: withHeaders([]),
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
        '401': {
          description: 'With `METRICS_TOKEN`, metrics need `Authorization: Bearer <that token>`.',
          headers: {
            ...withHeaders([]),
            'WWW-Authenticate': { required: true, schema: { type: 'string', const: 'Bearer realm="metrics"' } },
          },
          content: { 'application/problem+json': { schema: problemSchema(['not_authenticated']) } },
        },
        '404': {
          description: 'Metrics are disabled, or served on their own port (`METRICS_PORT`).',
          headers: withHeaders([]),
          content: { 'application/problem+json': { schema: ref('Problem') } },
        },
      },
    },
  },
  '/api/v1/opportunities': {
    parameters: [p('RequestId')],
    get: {
      operationId: 'listOpportunities',
      tags: ['opportunities'],
      summary: 'List opportunities, newest first',
      description: 'Every opportunity, newest first (ties by id); filters combine; `next` and `previous` link pages.',
      security: PUBLIC,
      parameters: [p('CategoryFilter'), ...nearParameters(), p('Facets'), ...pagingParameters()],
      responses: readResponses('A page, newest first.', 'OpportunityPage'),
    },
    post: {
      operationId: 'createOpportunity',
      tags: ['opportunities'],
      summary: 'Create an opportunity',
      description: "`createdBy` is the token's `user_id`.",
      security: BEARER,
      parameters: [p('IdempotencyKey')],
      requestBody: body,
      responses: {
        '201': json('Created.', ref('Opportunity'), ['Location', 'ETag', 'Idempotent-Replayed']),
        '400': r('BadBody'),
        '401': r('Unauthorized'),
        '409': r('Conflict'),
        '413': r('PayloadTooLarge'),
        '415': r('UnsupportedMediaType'),
        '422': r('IdempotencyKeyReused'),
        ...always(),
      },
    },
  },
  '/api/v1/opportunities/search': {
    parameters: [p('RequestId')],
    get: {
      operationId: 'searchOpportunities',
      tags: ['opportunities'],
      summary: 'Full-text search, most relevant first',
      description:
        'Searches title, tags and description (typos corrected; see `suggestion`). Same filters and paging as the list.',
      security: PUBLIC,
      parameters: [
        { name: 'q', in: 'query', required: true, description: 'What to look for.', schema: searchTextSchema },
        p('CategoryFilter'),
        // A filter on search: results keep their relevance order (no `sort`).
        ...nearParameters().filter((parameter) => !String(parameter.$ref).endsWith('/Sort')),
        p('Facets'),
        ...pagingParameters(),
      ],
      responses: readResponses('A page of results with highlights.', 'SearchPage'),
    },
  },
  '/api/v1/opportunities/search/suggestions': {
    parameters: [p('RequestId')],
    get: {
      operationId: 'suggestOpportunities',
      tags: ['opportunities'],
      summary: 'As-you-type suggestions: titles with highlights',
      description: 'A trailing space in `q` says the last word is complete. No paging (a `cursor` is ignored).',
      security: PUBLIC,
      parameters: [
        { name: 'q', in: 'query', required: true, description: 'What was typed so far.', schema: searchTextSchema },
        p('CategoryFilter'),
        ...pagingParameters().filter((parameter) => !String(parameter.$ref).endsWith('/Limit')),
        {
          name: 'limit',
          in: 'query',
          required: false,
          description: 'How many suggestions.',
          schema: { type: 'integer', minimum: 1, maximum: 10, default: 5 },
        },
      ],
      responses: readResponses('Suggestions.', 'Suggestions'),
    },
  },
  '/api/v1/opportunities/category/{category}': {
    parameters: [p('RequestId')],
    get: {
      operationId: 'listOpportunitiesByCategory',
      tags: ['opportunities'],
      summary: 'List one category, newest first',
      description: 'The list restricted to one category, given in the path; the same filters and paging as the list.',
      security: PUBLIC,
      parameters: [
        { name: 'category', in: 'path', required: true, schema: ref('OpportunityCategory') },
        ...nearParameters(),
        p('Facets'),
        ...pagingParameters(),
      ],
      responses: readResponses('A page, newest first.', 'OpportunityPage'),
    },
  },
  '/api/v1/opportunities/{id}': {
    parameters: [p('Id'), p('RequestId')],
    get: {
      operationId: 'getOpportunity',
      tags: ['opportunities'],
      summary: 'Get one opportunity',
      description:
        'The opportunity with its `ETag`. Send that ETag as `If-None-Match` to revalidate a kept copy (304 when ' +
        'current), and as `If-Match` on PUT or DELETE.',
      security: PUBLIC,
      parameters: [p('IfNoneMatch')],
      responses: {
        '200': json('The opportunity.', ref('Opportunity'), ['ETag']),
        '304': r('NotModified'),
        '400': r('BadRequest'),
        '401': r('TokenRefused'),
        '404': r('NotFound'),
        ...always(),
      },
    },
    put: {
      operationId: 'updateOpportunity',
      tags: ['opportunities'],
      summary: 'Replace the editable fields',
      description:
        'Only its creator or a token with `role: admin` may change it. Every editable field is replaced (an omitted ' +
        'optional one goes back to its default); send the `ETag` you read as `If-Match` so that a change made ' +
        'meanwhile is not overwritten.',
      security: BEARER,
      parameters: [p('IfMatch'), p('IdempotencyKey')],
      requestBody: body,
      responses: {
        '200': json('Updated.', ref('Opportunity'), ['ETag', 'Idempotent-Replayed']),
        '400': r('BadBody'),
        '401': r('Unauthorized'),
        '403': r('Forbidden'),
        '404': r('NotFound'),
        '409': r('Conflict'),
        '412': r('PreconditionFailed'),
        '413': r('PayloadTooLarge'),
        '415': r('UnsupportedMediaType'),
        '422': r('IdempotencyKeyReused'),
        '428': r('PreconditionRequired'),
        ...always(),
      },
    },
    delete: {
      operationId: 'deleteOpportunity',
      tags: ['opportunities'],
      summary: 'Delete an opportunity',
      description:
        'Deletes it for good. Only its creator or a token with `role: admin` may; with `If-Match`, only if it is ' +
        'still at that version.',
      security: BEARER,
      parameters: [p('IfMatch'), p('IdempotencyKey')],
      responses: {
        '204': { description: 'Deleted.', headers: withHeaders(['Idempotent-Replayed']) },
        '400': r('BadRequest'),
        '401': r('Unauthorized'),
        '403': r('Forbidden'),
        '404': r('NotFound'),
        '409': r('Conflict'),
        '412': r('PreconditionFailed'),
        '422': r('IdempotencyKeyReused'),
        '428': r('PreconditionRequired'),
        ...always(),
      },
    },
  },
};
