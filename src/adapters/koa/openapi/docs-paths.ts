/** The documentation routes, described in the contract like any other route. */
import { commonHeaders } from './responses.js';
import type { JsonSchema } from './schemas/schemas.js';

interface Operation {
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
}

const meta = (operation: Operation, responses: Record<string, JsonSchema>): JsonSchema => ({
  get: { ...operation, tags: ['documentation'], security: [], responses },
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
  '/': meta(
    {
      operationId: 'getRoot',
      summary: 'Points a person to the documentation',
      description: 'A browser opening the service lands on `/docs`.',
    },
    {
      '302': {
        description: 'Redirects to `/docs` (with a one-line note for clients that do not follow redirects).',
        headers: { ...commonHeaders(), Location: { required: true, schema: { type: 'string', const: '/docs' } } },
        content: Object.fromEntries(['text/plain', 'text/html'].map((type) => [type, { schema: { type: 'string' } }])),
      },
    },
  ),
  '/openapi.json': meta(
    {
      operationId: 'getOpenApiJson',
      summary: 'This contract as JSON',
      description: 'For tools and code generators (the TypeScript client in `clients/typescript` is typed from it).',
    },
    {
      '200': {
        description: 'The OpenAPI 3.1 document.',
        headers: commonHeaders(),
        content: { 'application/json': { schema: { type: 'object', required: ['openapi', 'paths'] } } },
      },
    },
  ),
  '/openapi.yaml': meta(
    {
      operationId: 'getOpenApiYaml',
      summary: 'This contract as YAML',
      description: 'The same document as `/openapi.json`.',
    },
    { '200': file('The OpenAPI 3.1 document.', ['application/yaml']) },
  ),
  '/docs': meta(
    {
      operationId: 'getDocs',
      summary: 'The interactive documentation page (works offline)',
      description: 'Swagger UI on this contract; every file it loads comes from this service, none from elsewhere.',
    },
    { '200': file('An HTML page (Swagger UI, served by this service).', ['text/html']) },
  ),
  '/docs/{asset}': {
    get: {
      operationId: 'getDocsAsset',
      tags: ['documentation'],
      summary: 'A script or style sheet of the documentation page',
      description: "Swagger UI's script, style sheet and icon, and the page's start-up script; any other name is 404.",
      security: [],
      parameters: [{ name: 'asset', in: 'path', required: true, schema: { type: 'string' } }],
      responses: {
        '200': file('The file.', ['application/javascript', 'text/css', 'image/png']),
        '404': notFound,
      },
    },
  },
};
