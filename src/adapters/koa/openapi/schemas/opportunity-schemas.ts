/** JSON Schemas of an opportunity, its input and its list page; limits come from the domain's rules. */
import { PAGE_SIZE } from '../../../../application/opportunity/pagination.js';
import { SEARCH_TEXT_MAX } from '../../../../application/opportunity/search-opportunities.use-case.js';
import { COORDINATE_BOUNDS, LIMITS, OPPORTUNITY_STATUSES } from '../../../../domain/opportunity/opportunity-rules.js';

export type JsonSchema = Record<string, unknown>;

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

/** Degrees (WGS 84); the poles and both sides of the antimeridian are valid. */
export const coordinatesSchema: JsonSchema = {
  type: ['object', 'null'],
  additionalProperties: false,
  required: ['lat', 'lng'],
  properties: {
    lat: { type: 'number', minimum: -COORDINATE_BOUNDS.lat, maximum: COORDINATE_BOUNDS.lat },
    lng: { type: 'number', minimum: -COORDINATE_BOUNDS.lng, maximum: COORDINATE_BOUNDS.lng },
  },
  description: 'Where it takes place on a map, beside the `location` name; null when not given.',
  examples: [{ lat: 38.7223, lng: -9.1393 }],
};

export const opportunityProperties = {
  id: { type: 'string', format: 'uuid' },
  title: { type: 'string', minLength: 1, maxLength: LIMITS.titleMax },
  description: { type: 'string', minLength: 1, maxLength: LIMITS.descriptionMax },
  category: ref('OpportunityCategory'),
  location: { type: ['string', 'null'], minLength: 1, maxLength: LIMITS.locationMax },
  coordinates: ref('Coordinates'),
  tags: { ...TAGS, uniqueItems: true },
  status: ref('OpportunityStatus'),
  deadline: { type: ['string', 'null'], format: 'date' },
  createdBy: { type: 'string', minLength: 1, maxLength: 255, description: "The Django token's `user_id`." },
  createdAt: { type: 'string', format: 'date-time' },
  updatedAt: { type: 'string', format: 'date-time' },
  version: { type: 'integer', minimum: 1, description: 'Starts at 1, +1 on each update; the ETag is `"<version>"`.' },
};

/** Every field is always present (null when empty), so all are required; `distanceKm` only with `near`. */
export const opportunity: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: Object.keys(opportunityProperties),
  properties: {
    ...opportunityProperties,
    distanceKm: {
      type: 'number',
      minimum: 0,
      description: 'In listings and searches with `near` only: the great-circle distance from that point, in km.',
    },
  },
};

export const opportunityInput: JsonSchema = {
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
    coordinates: ref('Coordinates'),
    tags: TAGS,
    status: { ...statusSchema, default: 'open' },
    deadline: { type: ['string', 'null'], format: 'date', examples: ['2027-06-30'] },
  },
};

/** With `facets=…` only. */
export const facetProperties = {
  facets: {
    type: 'object',
    description: 'For each requested field: value → how many matches have it (over every match, not the page).',
    additionalProperties: { type: 'object', additionalProperties: { type: 'integer', minimum: 1 } },
  },
  facetsExact: {
    type: 'boolean',
    description: 'False when more matches exist than were counted: the counts are then lower bounds.',
  },
};

export const page: JsonSchema = {
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
    ...facetProperties,
  },
};
