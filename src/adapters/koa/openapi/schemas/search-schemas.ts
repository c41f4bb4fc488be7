/** JSON Schemas of search answers: highlighted hits, the ranked page and as-you-type suggestions. */
import { facetProperties, type JsonSchema, opportunityProperties, ref } from './opportunity-schemas.js';

export const textRuns: JsonSchema = {
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
export const searchHit: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: [...Object.keys(opportunityProperties), 'highlight'],
  properties: {
    ...opportunityProperties,
    distanceKm: {
      type: 'number',
      minimum: 0,
      description: 'With `near` only: the great-circle distance from that point, in km. It does not change the order.',
    },
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

export const searchPage: JsonSchema = {
  type: 'object',
  description: 'The list shape, with highlighted results and a suggested correction.',
  additionalProperties: false,
  required: ['next', 'previous', 'results', 'suggestion'],
  properties: {
    next: { type: ['string', 'null'], format: 'uri-reference' },
    previous: { type: ['string', 'null'], format: 'uri-reference' },
    results: { type: 'array', items: ref('SearchHit') },
    suggestion,
    ...facetProperties,
  },
};

export const suggestions: JsonSchema = {
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
