/** The documentation routes, described in the contract like any other route. */
import { commonHeaders } from './responses.js';
import type { JsonSchema } from './schemas/schemas.js';

const meta = (operationId: string, summary: string, responses: Record<string, JsonSchema>): JsonSchema => ({
  get: { operationId, tags: ['documentation'], summary, security: [], responses },
});

const file = (description: string, mediaTypes: readonly string[]): JsonSchema => ({
  description,
  headers: commonHeaders(),
  content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: { type: 'string' } }])),
});

const notFound: JsonSchema = {
  description: 'No such file.',
  headers: commonHeaders(),
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

export const docsPaths: Record<string, JsonSchema> = {
  '/': meta('getRoot', 'Points a person to the documentation', {
    '302': {
      description: 'Redirects to `/docs` (with a one-line note for clients that do not follow redirects).',
      headers: { ...commonHeaders(), Location: { required: true, schema: { type: 'string', const: '/docs' } } },
      content: Object.fromEntries(['text/plain', 'text/html'].map((type) => [type, { schema: { type: 'string' } }])),
    },
  }),
  '/openapi.json': meta('getOpenApiJson', 'This contract as JSON', {
    '200': {
      description: 'The OpenAPI 3.1 document.',
      headers: commonHeaders(),
      content: { 'application/json': { schema: { type: 'object', required: ['openapi', 'paths'] } } },
    },
  }),
  '/openapi.yaml': meta('getOpenApiYaml', 'This contract as YAML', {
    '200': file('The OpenAPI 3.1 document.', ['application/yaml']),
  }),
  '/docs': meta('getDocs', 'The interactive documentation page (works offline)', {
    '200': file('An HTML page (Swagger UI, served by this service).', ['text/html']),
  }),
  '/docs/{asset}': {
    get: {
      operationId: 'getDocsAsset',
      tags: ['documentation'],
      summary: 'A script or style sheet of the documentation page',
      security: [],
      parameters: [{ name: 'asset', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': file('The file.', ['application/javascript', 'text/css', 'image/png']),
        '404': notFound,
      },
    },
  },
};
