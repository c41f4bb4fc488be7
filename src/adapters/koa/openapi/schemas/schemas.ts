/**
 * JSON Schemas (2020-12, the OpenAPI 3.1 dialect) of the bodies this adapter reads and writes,
 * by concept in the files imported here. Limits come from the domain's own constants so a changed
 * rule cannot leave the contract behind; tests/contract checks the schemas against the io-ts
 * codecs and against every response the HTTP suites receive.
 */
import { health, liveness } from './health-schemas.js';
import {
  categorySchema,
  coordinatesSchema,
  type JsonSchema,
  opportunity,
  opportunityInput,
  page,
  statusSchema,
} from './opportunity-schemas.js';
import { problemSchema, tokenProblem, validationProblem } from './problem-schemas.js';
import { searchHit, searchPage, suggestions, textRuns } from './search-schemas.js';

export {
  categorySchema,
  type JsonSchema,
  limitSchema,
  ref,
  searchTextSchema,
  statusSchema,
} from './opportunity-schemas.js';
export { problemSchema } from './problem-schemas.js';

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
  Coordinates: coordinatesSchema,
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
  Liveness: liveness,
};
