import * as t from 'io-ts';
import { checkSearchText } from '../../../application/opportunity/search-opportunities.use-case.js';
import {
  checkCategory,
  checkDeadline,
  checkLatitude,
  checkLongitude,
  checkDescription,
  checkLocation,
  checkStatus,
  checkTags,
  checkTitle,
  checkUserId,
  LIMITS,
  type Coordinates,
  type RuleResult,
} from '../../../domain/opportunity/opportunity-rules.js';
import { PAGE_SIZE } from '../../../application/opportunity/pagination.js';
import { checkFacetFields } from '../../../domain/opportunity/facets.js';
import { checkRadiusKm, NEARBY_ORDERS, type NearbyOrder, parsePoint } from '../../../domain/opportunity/nearby.js';
import { ruled } from '../io-ts-support.js';

const text = new t.Type<string, unknown, unknown>('a string', t.string.is, t.string.validate, t.identity);
const optionalText = t.union([t.string, t.null], 'a string or null');

const point = t.exact(
  t.type({ lat: ruled(t.number, checkLatitude), lng: ruled(t.number, checkLongitude) }, 'an object {lat, lng}'),
);

/**
 * `{"lat", "lng"}` in degrees, or null; an invalid one is reported as `coordinates.lat` or
 * `coordinates.lng` (not once per branch, as a plain union would).
 */
const coordinates = new t.Type<Coordinates | null, unknown, unknown>(
  'an object {lat, lng} or null',
  (u): u is Coordinates | null => u === null || point.is(u),
  (u, c) => (u === null ? t.success(null) : point.validate(u, c)),
  t.identity,
);

/**
 * The body of POST and PUT: the editable fields only. Read-only fields a client echoes back
 * (id, createdBy, createdAt, updatedAt, version) and unknown fields are dropped, never applied.
 */
export const OpportunityBody = t.exact(
  t.intersection([
    t.type({
      title: ruled(text, checkTitle),
      description: ruled(text, checkDescription),
      category: ruled(text, checkCategory),
    }),
    t.partial({
      location: ruled(optionalText, checkLocation),
      coordinates,
      tags: ruled(t.array(t.string, 'a list of strings'), checkTags),
      status: ruled(text, checkStatus),
      deadline: ruled(optionalText, checkDeadline),
    }),
  ]),
);
export type OpportunityBody = t.TypeOf<typeof OpportunityBody>;

const single = new t.Type<string, unknown, unknown>(
  'a single value',
  t.string.is,
  (u, c) => (typeof u === 'string' ? t.success(u) : t.failure(u, c, 'must be given once')),
  t.identity,
);

function checkLimit(value: string): RuleResult<number> {
  const limit = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  return limit >= 1 && limit <= PAGE_SIZE.max
    ? { ok: true, value: limit }
    : { ok: false, message: `must be an integer from 1 to ${PAGE_SIZE.max}` };
}

function checkLocationFilter(value: string): RuleResult<string> {
  const location = checkLocation(value);
  return location.ok && location.value !== null
    ? { ok: true, value: location.value }
    : { ok: false, message: `must be 1 to ${LIMITS.locationMax} characters` };
}

function checkTagFilter(value: string): RuleResult<string> {
  const tags = checkTags([value]);
  return tags.ok && tags.value[0] !== undefined
    ? { ok: true, value: tags.value[0] }
    : { ok: false, message: tags.ok ? 'must not be blank' : tags.message };
}

const listFields = {
  category: ruled(single, checkCategory),
  status: ruled(single, checkStatus),
  createdBy: ruled(single, checkUserId),
  location: ruled(single, checkLocationFilter),
  tag: ruled(single, checkTagFilter),
  limit: ruled(single, checkLimit),
  cursor: single,
};

function checkRadiusText(value: string): RuleResult<number> {
  return checkRadiusKm(/^\d{1,4}(\.\d{1,6})?$/.test(value) ? Number(value) : NaN);
}

function checkSort(value: string): RuleResult<NearbyOrder> {
  const order = NEARBY_ORDERS.find((candidate) => candidate === value);
  return order ? { ok: true, value: order } : { ok: false, message: `must be one of: ${NEARBY_ORDERS.join(', ')}` };
}

/** "Near me": a point, a radius (needs `near`), and the order (`distance` needs `near`). */
export const nearFields = {
  near: ruled(single, parsePoint),
  radiusKm: ruled(single, checkRadiusText),
  sort: ruled(single, checkSort),
};

/** `facets=category,status`: counts over the whole match set beside the page. */
const facets = ruled(single, checkFacetFields);

export const ListQuery = t.exact(t.partial({ ...listFields, ...nearFields, facets }));
export type ListQuery = t.TypeOf<typeof ListQuery>;

/** Search keeps its relevance order: `near` and `radiusKm` filter it, there is no `sort`. */
export const SearchQuery = t.exact(
  t.intersection([
    t.type({ q: ruled(single, checkSearchText) }),
    t.partial({ ...listFields, near: nearFields.near, radiusKm: nearFields.radiusKm, facets }),
  ]),
);
export type SearchQuery = t.TypeOf<typeof SearchQuery>;

export const SUGGESTIONS = { default: 5, max: 10 } as const;

function checkSuggestionLimit(value: string): RuleResult<number> {
  const limit = /^\d{1,2}$/.test(value) ? Number(value) : NaN;
  return limit >= 1 && limit <= SUGGESTIONS.max
    ? { ok: true, value: limit }
    : { ok: false, message: `must be an integer from 1 to ${SUGGESTIONS.max}` };
}

/** As-you-type suggestions: the search filters, a small limit, no paging. */
export const SuggestQuery = t.exact(
  t.intersection([
    t.type({ q: ruled(single, checkSearchText) }),
    t.partial({ ...listFields, limit: ruled(single, checkSuggestionLimit) }),
  ]),
);
export type SuggestQuery = t.TypeOf<typeof SuggestQuery>;

export const CategoryParam = ruled(single, checkCategory);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const IdParam = ruled(single, (value): RuleResult<string> =>
  UUID.test(value) ? { ok: true, value: value.toLowerCase() } : { ok: false, message: 'must be a UUID' },
);
