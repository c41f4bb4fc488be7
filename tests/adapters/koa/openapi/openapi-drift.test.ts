/**
 * The document is hand-written: these tests fail when it and the code disagree on a route, a
 * request field or a query parameter. (Responses are checked on every HTTP test: contract-hooks.)
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';
import type * as t from 'io-ts';
import type Koa from 'koa';
import {
  ListQuery,
  OpportunityBody,
  SearchQuery,
  SuggestQuery,
} from '../../../../src/adapters/koa/opportunities/opportunity-codecs.js';
import { openApiDocument } from '../../../../src/adapters/koa/openapi/openapi-document.js';
import { startTestService } from '../../../support/test-service.js';

type Json = Record<string, unknown>;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => void;
const document = openApiDocument() as { paths: Record<string, Json>; components: { parameters: Json } };

/** `METHOD /path/{param}` for every route the app's routers register (HEAD comes with GET). */
function registeredRoutes(app: Koa): string[] {
  type Layer = { path: string; methods: string[] };
  const layers = app.middleware.flatMap(
    (middleware) => (middleware as unknown as { router?: { stack: Layer[] } }).router?.stack ?? [],
  );
  return layers.flatMap((layer) =>
    layer.methods
      .filter((method) => method !== 'HEAD')
      .map((method) => `${method} ${layer.path.replace(/:(\w+)/g, '{$1}').replace(/(.)\/$/, '$1')}`),
  );
}

function documentedRoutes(): string[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    ['get', 'put', 'post', 'delete', 'patch'].filter((method) => item[method]).map((m) => `${m.toUpperCase()} ${path}`),
  );
}

/** The props of an io-ts codec built from exact / intersection / type / partial, with required ones. */
function codecFields(codec: unknown): { all: string[]; required: string[] } {
  const node = codec as { _tag?: string; type?: unknown; types?: unknown[]; props?: Record<string, unknown> };
  if (node._tag === 'ExactType') return codecFields(node.type);
  if (node._tag === 'IntersectionType') {
    const parts = (node.types ?? []).map(codecFields);
    return { all: parts.flatMap((p) => p.all), required: parts.flatMap((p) => p.required) };
  }
  const keys = Object.keys(node.props ?? {});
  return { all: keys, required: node._tag === 'InterfaceType' ? keys : [] };
}

function queryParameters(path: string): { name: string; required: boolean; schema: Json }[] {
  const operation = document.paths[path]?.get as { parameters: Json[] };
  return operation.parameters
    .map((parameter) =>
      typeof parameter.$ref === 'string'
        ? (document.components.parameters[parameter.$ref.split('/').pop() as string] as Json)
        : parameter,
    )
    .filter((parameter) => parameter.in === 'query')
    .map((parameter) => ({
      name: parameter.name as string,
      required: parameter.required === true,
      schema: parameter.schema as Json,
    }));
}

const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
ajv.addSchema({ ...document, $id: 'https://contract.test/openapi.json' });
const bodySchema = ajv.getSchema('https://contract.test/openapi.json#/components/schemas/OpportunityInput');

const accepts = (codec: t.Decoder<unknown, unknown>, value: unknown) => codec.decode(value)._tag === 'Right';
const VALID_BODY = { title: 'Piano lessons', description: 'Weekly.', category: 'music' };
const long = (n: number) => 'a'.repeat(n);

/** Values a client might send for each body field, at and around every documented limit. */
const BODY_PROBES: Record<string, unknown[]> = {
  title: ['x', long(200), long(201), '', '   ', null, 42],
  description: ['x', long(10_000), long(10_001), '', ' ', null, []],
  category: ['music', 'a-b-9', long(50), long(51), 'Not A Slug', 'ÉTÉ', '', null],
  location: ['Lyon', null, '', '  ', long(200), long(201), 7],
  tags: [
    [],
    ['a'],
    ['a', 'a'],
    [long(40)],
    [long(41)],
    [''],
    [' '],
    Array.from({ length: 20 }, (_, i) => `t${i}`),
    Array.from({ length: 21 }, (_, i) => `t${i}`),
    'a',
    [1],
    null,
  ],
  status: ['open', 'closed', 'archived', '', null],
  deadline: ['2027-06-30', '2028-02-29', '2027-02-29', 'x', '2027-13-01', '30/06/2027', '', null, 20270630],
};

/** Query values are strings on the wire; the schema judges their typed reading. */
const QUERY_PROBES: Record<string, string[]> = {
  category: ['music', 'Not A Slug', long(51), ''],
  status: ['open', 'closed', 'archived', ''],
  createdBy: ['42', long(255), long(256), ''],
  location: ['Lyon', long(200), long(201), '', '  '],
  tag: ['outdoors', long(40), long(41), '', ' '],
  limit: ['1', '5', '10', '11', '20', '100', '101', '1e2', '0', '-1', 'abc', '5.5'],
  q: ['piano', long(200), long(201), '', '   '],
  near: ['38.7,-9.1', '90,180', '-90,-180', '0, 0', '91,0', '90.5,0', '0,180.1', '0,-181', 'abc', 'NaN,0', '1e1,0', ''],
  radiusKm: ['25', '0.5', '500', '500.1', '0', '10000', '-1', 'abc', '1e2', ''],
  sort: ['newest', 'distance', 'nearest', ''],
  facets: ['category', 'status', 'category,status', 'status,category', 'category,category', 'colour', 'category,', ''],
};

describe('OpenAPI contract: no drift between the document and the code', () => {
  it('documents exactly the routes the application registers', async () => {
    const api = await startTestService({ RATE_LIMIT_ENABLED: 'false' });
    try {
      expect(registeredRoutes(api.service.app as Koa).sort()).to.deep.equal(documentedRoutes().sort());
    } finally {
      await api.stop();
    }
  });

  it('documents exactly the request body fields of the codec, with the same required ones', () => {
    const schema = document.components as unknown as { schemas: { OpportunityInput: Json } };
    const input = schema.schemas.OpportunityInput as { properties: Json; required: string[] };
    const fields = codecFields(OpportunityBody);
    expect(Object.keys(input.properties).sort()).to.deep.equal(fields.all.sort());
    expect([...input.required].sort()).to.deep.equal(fields.required.sort());
  });

  for (const [field, probes] of Object.entries(BODY_PROBES)) {
    it(`body field ${field}: the schema and the codec accept and refuse the same values`, () => {
      for (const probe of probes) {
        const body = { ...VALID_BODY, [field]: probe };
        const label = `${field} = ${JSON.stringify(probe).slice(0, 40)}`;
        expect(bodySchema?.(body), label).to.equal(accepts(OpportunityBody, body));
      }
    });
  }

  for (const [path, codec] of [
    ['/api/v1/opportunities', ListQuery],
    ['/api/v1/opportunities/search', SearchQuery],
    ['/api/v1/opportunities/search/suggestions', SuggestQuery],
  ] as const) {
    it(`query parameters of ${path}: the same names, required ones and verdicts as the codec`, () => {
      const parameters = queryParameters(path);
      const fields = codecFields(codec);
      expect(parameters.map((p) => p.name).sort()).to.deep.equal(fields.all.sort());
      expect(parameters.filter((p) => p.required).map((p) => p.name)).to.deep.equal(fields.required);
      const base = path.includes('search') ? { q: 'piano' } : {};
      for (const parameter of parameters) {
        const check = ajv.compile(parameter.schema);
        for (const probe of QUERY_PROBES[parameter.name] ?? []) {
          const numeric = parameter.schema.type === 'integer' || parameter.schema.type === 'number';
          const typed = numeric && /^-?\d+(\.\d+)?$/.test(probe) ? Number(probe) : probe;
          const label = `${parameter.name} = ${JSON.stringify(probe).slice(0, 40)}`;
          expect(check(typed), label).to.equal(accepts(codec, { ...base, [parameter.name]: probe }));
        }
      }
    });
  }
});
