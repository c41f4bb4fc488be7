/**
 * JSON Schemas (2020-12, the OpenAPI 3.1 dialect) of the bodies this adapter reads and writes.
 * Limits come from the domain's own constants so a changed rule cannot leave the contract behind;
 * tests/contract checks the schemas against the io-ts codecs and against every response the
 * HTTP suites receive.
 */
import { PAGE_SIZE } from '../../../application/opportunity/pagination.js';
import { SEARCH_TEXT_MAX } from '../../../application/opportunity/search-opportunities.use-case.js';
import type { ReplicaHealth } from '../../../application/ports/health-check.port.js';
import { LIMITS, OPPORTUNITY_STATUSES } from '../../../domain/opportunity/opportunity-rules.js';

export type JsonSchema = Record<string, unknown>;

/** Every state a replica can report; `satisfies` keeps the list in step with the port's type. */
const REPLICA_STATES = ['up', 'lagging', 'down'] as const satisfies readonly ReplicaHealth['state'][];

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

/** Not blank: the service trims text fields and refuses what is left empty. */
const NOT_BLANK = '\\S';
const CATEGORY = { type: 'string', minLength: 1, maxLength: LIMITS.categoryMax, pattern: '^[a-z0-9-]+$' } as const;
const TAGS = {
  type: 'array',
  maxItems: LIMITS.tagsMax,
  items: { type: 'string', minLength: 1, maxLength: LIMITS.tagMax, pattern: NOT_BLANK },
} as const;

export const categorySchema: JsonSchema = { ...CATEGORY, examples: ['volunteering'] };
export const statusSchema: JsonSchema = { type: 'string', enum: [...OPPORTUNITY_STATUSES] };
export const searchTextSchema: JsonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: SEARCH_TEXT_MAX,
  pattern: NOT_BLANK,
  description: 'Web-search syntax: `"a phrase"`, `-word`, `or`. At most 200 characters after trimming.',
};
export const limitSchema: JsonSchema = {
  type: 'integer',
  minimum: 1,
  maximum: PAGE_SIZE.max,
  default: PAGE_SIZE.default,
};

export const opportunityProperties = {
  id: { type: 'string', format: 'uuid' },
  title: { type: 'string', minLength: 1, maxLength: LIMITS.titleMax },
  description: { type: 'string', minLength: 1, maxLength: LIMITS.descriptionMax },
  category: ref('OpportunityCategory'),
  location: { type: ['string', 'null'], minLength: 1, maxLength: LIMITS.locationMax },
  tags: { ...TAGS, uniqueItems: true },
  status: ref('OpportunityStatus'),
  deadline: { type: ['string', 'null'], format: 'date' },
  createdBy: { type: 'string', minLength: 1, maxLength: 255, description: "The Django token's `user_id`." },
  createdAt: { type: 'string', format: 'date-time' },
  updatedAt: { type: 'string', format: 'date-time' },
  version: { type: 'integer', minimum: 1, description: 'Starts at 1, +1 on each update; the ETag is `"<version>"`.' },
};

/** Every field is always present (null when empty), so all are required. */
const opportunity: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: Object.keys(opportunityProperties),
  properties: opportunityProperties,
};

const textRuns: JsonSchema = {
  type: 'array',
  description: 'The text cut into runs; `match: true` marks what matched (style it, no markup involved).',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['text', 'match'],
    properties: { text: { type: 'string' }, match: { type: 'boolean' } },
  },
};

/** A search result: the opportunity plus where it matched. */
const searchHit: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: [...Object.keys(opportunityProperties), 'highlight'],
  properties: {
    ...opportunityProperties,
    highlight: {
      type: 'object',
      additionalProperties: false,
      required: ['title', 'description'],
      properties: {
        title: ref('TextRuns'),
        description: {
          ...ref('TextRuns'),
          description: 'For long descriptions, a snippet around the first match ("…" marks cuts).',
        },
      },
    },
  },
};

const suggestion: JsonSchema = {
  type: ['string', 'null'],
  description: 'A corrected query when the words look misspelt (e.g. `pyhton` → `python`), else null.',
};

const opportunityInput: JsonSchema = {
  type: 'object',
  description:
    'The editable fields. Text is trimmed; duplicate tags collapse; read-only fields (id, createdBy, ' +
    'createdAt, updatedAt, version) and unknown fields are ignored, never applied. PUT replaces every ' +
    'editable field: an omitted optional field is reset to its default.',
  required: ['title', 'description', 'category'],
  properties: {
    title: { type: 'string', maxLength: LIMITS.titleMax, pattern: NOT_BLANK, examples: ['Beach clean-up'] },
    description: { type: 'string', maxLength: LIMITS.descriptionMax, pattern: NOT_BLANK },
    category: categorySchema,
    location: { type: ['string', 'null'], maxLength: LIMITS.locationMax, description: 'Blank means none.' },
    tags: TAGS,
    status: { ...statusSchema, default: 'open' },
    deadline: { type: ['string', 'null'], format: 'date', examples: ['2027-06-30'] },
  },
};

const searchPage: JsonSchema = {
  type: 'object',
  description: 'The list shape, with highlighted results and a suggested correction.',
  additionalProperties: false,
  required: ['next', 'previous', 'results', 'suggestion'],
  properties: {
    next: { type: ['string', 'null'], format: 'uri-reference' },
    previous: { type: ['string', 'null'], format: 'uri-reference' },
    results: { type: 'array', items: ref('SearchHit') },
    suggestion,
  },
};

const suggestions: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['suggestion', 'results'],
  properties: {
    suggestion,
    results: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'title', 'highlight'],
        properties: { id: { type: 'string', format: 'uuid' }, title: { type: 'string' }, highlight: ref('TextRuns') },
      },
    },
  },
};

const page: JsonSchema = {
  type: 'object',
  description: "Django REST framework's cursor pagination shape.",
  additionalProperties: false,
  required: ['next', 'previous', 'results'],
  properties: {
    next: {
      type: ['string', 'null'],
      format: 'uri-reference',
      description: 'Link to the next page (relative, or absolute on `PUBLIC_URL`), or null.',
    },
    previous: {
      type: ['string', 'null'],
      format: 'uri-reference',
      description: 'Link to the previous page (relative, or absolute on `PUBLIC_URL`), or null.',
    },
    results: { type: 'array', items: ref('Opportunity') },
  },
};

/** RFC 9457 members plus the stable `code`; each problem schema narrows `code` to what it can be. */
const problemMembers = (codes: readonly string[]) => ({
  type: { type: 'string', format: 'uri', examples: ['urn:opportunities:problem:not_found'] },
  title: { type: 'string' },
  status: { type: 'integer', minimum: 400, maximum: 599 },
  detail: { type: 'string' },
  code: { type: 'string', enum: [...codes] },
});
const PROBLEM_REQUIRED = ['type', 'title', 'status', 'detail', 'code'];

export function problemSchema(codes: readonly string[], extra: Record<string, JsonSchema> = {}): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: PROBLEM_REQUIRED,
    properties: { ...problemMembers(codes), ...extra },
  };
}

const validationProblem: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: [...PROBLEM_REQUIRED, 'errors'],
  properties: {
    ...problemMembers(['validation_failed']),
    errors: {
      type: 'array',
      minItems: 1,
      description: 'Every invalid field at once.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['field', 'message'],
        properties: { field: { type: 'string', examples: ['title'] }, message: { type: 'string' } },
      },
    },
  },
};

const tokenProblem: JsonSchema = {
  type: 'object',
  description:
    "Shaped like simplejwt's 401 body (`detail`, `code`, `messages`) plus RFC 9457 members. " +
    '`token_error: expired` means refreshing the access token at Django can help; `invalid` means it cannot.',
  additionalProperties: false,
  required: PROBLEM_REQUIRED,
  properties: {
    ...problemMembers(['not_authenticated', 'bad_authorization_header', 'token_not_valid']),
    token_error: { type: 'string', enum: ['expired', 'invalid'] },
    messages: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['token_class', 'token_type', 'message'],
        properties: {
          token_class: { type: 'string', const: 'AccessToken' },
          token_type: { type: 'string', const: 'access' },
          message: { type: 'string', examples: ['Token is expired'] },
        },
      },
    },
  },
};

const health: JsonSchema = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['status', 'database'],
      properties: {
        status: { type: 'string', enum: ['ok', 'error'] },
        database: { type: 'string', enum: ['up', 'down'] },
        replicas: {
          type: 'array',
          description:
            'Present when read replicas are configured (`DATABASE_REPLICA_URLS`). A replica that is down or lags ' +
            'beyond `REPLICA_MAX_LAG_MS` is skipped (the primary serves its reads) and does not make the service unready.',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'state', 'lagMs'],
            properties: {
              name: { type: 'string', examples: ['replica-1'] },
              state: { type: 'string', enum: REPLICA_STATES },
              lagMs: { type: ['number', 'null'], description: 'Replay lag at the last check; null when unknown.' },
            },
          },
        },
      },
    },
    {
      type: 'object',
      description: 'Shutting down: send nothing new to this instance.',
      additionalProperties: false,
      required: ['status'],
      properties: { status: { type: 'string', const: 'stopping' } },
    },
  ],
};

export const schemas: Record<string, JsonSchema> = {
  Opportunity: opportunity,
  OpportunityInput: opportunityInput,
  OpportunityPage: page,
  SearchPage: searchPage,
  SearchHit: searchHit,
  TextRuns: textRuns,
  Suggestions: suggestions,
  OpportunityStatus: statusSchema,
  OpportunityCategory: categorySchema,
  Problem: problemSchema([
    'bad_request',
    'duplicate_host',
    'invalid_content_encoding',
    'invalid_cursor',
    'forbidden',
    'not_found',
    'route_not_found',
    'method_not_allowed',
    'not_implemented',
    'version_mismatch',
    'concurrent_update',
    'precondition_required',
    'idempotency_key_required',
    'idempotency_key_in_flight',
    'idempotency_key_reused',
    'payload_too_large',
    'unsupported_media_type',
    'unsupported_content_encoding',
    'rate_limited',
    'internal_error',
    'service_unavailable',
  ]),
  ValidationProblem: validationProblem,
  TokenProblem: tokenProblem,
  Health: health,
  Liveness: {
    type: 'object',
    additionalProperties: false,
    required: ['status'],
    properties: { status: { type: 'string', const: 'ok' } },
  },
};
