/** JSON Schemas of problem answers (RFC 9457 plus a stable `code`), including simplejwt's 401 shape. */
import type { JsonSchema } from './opportunity-schemas.js';

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

export const validationProblem: JsonSchema = {
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

export const tokenProblem: JsonSchema = {
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
