/** JSON schemas of the Fastify peer: validation (Ajv) of params, query and body, serialization of answers. */
const nullableString = { type: ['string', 'null'] } as const;

export const opportunity = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    category: { type: 'string' },
    location: nullableString,
    coordinates: {
      type: ['object', 'null'],
      properties: { lat: { type: 'number' }, lng: { type: 'number' } },
      required: ['lat', 'lng'],
    },
    tags: { type: 'array', items: { type: 'string' } },
    status: { type: 'string' },
    deadline: nullableString,
    createdBy: { type: 'string' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    version: { type: 'integer' },
  },
} as const;

export const page = {
  type: 'object',
  properties: { next: nullableString, previous: nullableString, results: { type: 'array', items: opportunity } },
} as const;

export const idParams = {
  type: 'object',
  required: ['id'],
  properties: {
    id: { type: 'string', pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' },
  },
} as const;

export const pageQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', maxLength: 512, pattern: '^[A-Za-z0-9_-]+$' },
  },
} as const;

/** Field rules of the service; trimming and blank checks happen in the handler (a schema cannot trim). */
export const draft = {
  type: 'object',
  required: ['title', 'description', 'category'],
  properties: {
    title: { type: 'string', minLength: 1, maxLength: 200 },
    description: { type: 'string', minLength: 1, maxLength: 10_000 },
    category: { type: 'string', pattern: '^[a-z0-9-]{1,50}$' },
    location: { type: ['string', 'null'], maxLength: 200 },
    tags: { type: 'array', maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 40 } },
    status: { type: 'string', enum: ['open', 'closed'] },
    deadline: { type: ['string', 'null'], format: 'date' },
  },
} as const;

export interface Draft {
  title: string;
  description: string;
  category: string;
  location?: string | null;
  tags?: string[];
  status?: 'open' | 'closed';
  deadline?: string | null;
}
