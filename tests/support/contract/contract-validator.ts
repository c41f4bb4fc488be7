/**
 * Checks one HTTP exchange against the OpenAPI document: the operation exists, the status is
 * documented, required headers are present and match, and the body matches the media type's
 * schema (Ajv, JSON Schema 2020-12 — the OpenAPI 3.1 dialect).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { openApiDocument } from '../../../src/adapters/koa/openapi/openapi-document.js';

type Json = Record<string, unknown>;
// ajv-formats is CommonJS with a default export: the ESM interop gives the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => void;

export interface Exchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
}

export interface Verdict {
  /** `GET /api/v1/opportunities/{id} 200`, or undefined for a path the document does not have. */
  readonly key?: string;
  /** The documented response that matched, as its `$ref` target when it is a shared component. */
  readonly responseRef?: string;
  readonly problems: string[];
}

const CONTRACT_ID = 'https://contract.opportunities.test/openapi.json';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const escape = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

export class ContractValidator {
  readonly document = openApiDocument();
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly templates: { template: string; pattern: RegExp; params: number }[];

  constructor() {
    addFormats(this.ajv);
    this.ajv.addSchema({ ...this.document, $id: CONTRACT_ID });
    this.templates = Object.keys(this.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
        params: (template.match(/\{/g) ?? []).length,
      }))
      .sort((a, b) => a.params - b.params); // literal paths win over templated ones, like the router
  }

  get paths(): Record<string, Json> {
    return this.document.paths as Record<string, Json>;
  }

  /** Every documented `METHOD path status`, with its shared response name when it has one. */
  documentedResponses(): { key: string; responseRef?: string }[] {
    return Object.entries(this.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).flatMap((method) =>
        Object.entries((item[method] as Json).responses as Record<string, Json>).map(([status, response]) => ({
          key: `${method.toUpperCase()} ${path} ${status}`,
          ...(typeof response.$ref === 'string' ? { responseRef: response.$ref } : {}),
        })),
      ),
    );
  }

  check(exchange: Exchange): Verdict {
    const template = this.templates.find((candidate) => candidate.pattern.test(exchange.path))?.template;
    const item = template ? this.paths[template] : undefined;
    // HEAD is answered by every GET route (same status and headers, no body).
    const method = exchange.method === 'HEAD' && item && !item.head ? 'get' : exchange.method.toLowerCase();
    const operation = item?.[method] as Json | undefined;
    if (!template || !operation) return this.checkUnrouted(exchange, template !== undefined);
    const key = `${method.toUpperCase()} ${template} ${exchange.status}`;
    const responses = operation.responses as Record<string, Json>;
    const status = String(exchange.status);
    const entry = responses[status];
    if (!entry)
      return { key, problems: [`status ${status} is not documented for ${method.toUpperCase()} ${template}`] };
    const pointer = `#/paths/${escape(template)}/${method}/responses/${status}`;
    const responseRef = typeof entry.$ref === 'string' ? entry.$ref : undefined;
    const response = responseRef ? this.resolve(responseRef) : entry;
    const base = responseRef ?? pointer;
    const problems = [
      ...this.checkHeaders(response, base, exchange.headers),
      ...(exchange.method === 'HEAD' ? [] : this.checkBody(response, base, exchange)),
    ];
    return { key, ...(responseRef ? { responseRef } : {}), problems };
  }

  /** Unknown paths and methods are not operations; they must still answer the documented Problem. */
  private checkUnrouted(exchange: Exchange, pathKnown: boolean): Verdict {
    const expected = pathKnown ? [405, 501] : [404];
    // OPTIONS is answered by the router (Allow) or by CORS (preflight), never by an operation.
    if (exchange.method === 'OPTIONS' && [200, 204].includes(exchange.status)) return { problems: [] };
    const problems = expected.includes(exchange.status)
      ? this.validate('#/components/schemas/Problem', exchange.body, 'body')
      : [`${exchange.method} ${exchange.path} is not in the document (answered ${exchange.status})`];
    return { problems };
  }

  private checkHeaders(response: Json, base: string, actual: Headers): string[] {
    const problems: string[] = [];
    for (const [name, declared] of Object.entries((response.headers ?? {}) as Record<string, Json>)) {
      const headerRef = typeof declared.$ref === 'string' ? declared.$ref : undefined;
      const header = headerRef ? this.resolve(headerRef) : declared;
      const value = actual.get(name);
      if (value === null) {
        if (header.required === true) problems.push(`required header ${name} is missing`);
        continue;
      }
      const schemaPointer = `${headerRef ?? `${base}/headers/${escape(name)}`}/schema`;
      problems.push(...this.validate(schemaPointer, JSON.stringify(value), `header ${name}`));
    }
    return problems;
  }

  private checkBody(response: Json, base: string, exchange: Exchange): string[] {
    const content = response.content as Record<string, Json> | undefined;
    if (!content) return exchange.body === '' ? [] : [`a body was sent where none is documented`];
    const mediaType = (exchange.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
    if (!content[mediaType]) return [`media type "${mediaType}" is not one of ${Object.keys(content).join(', ')}`];
    if (!/json$/.test(mediaType)) return [];
    return this.validate(`${base}/content/${escape(mediaType)}/schema`, exchange.body, 'body');
  }

  private validate(pointer: string, json: string, what: string): string[] {
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch {
      return [`${what} is not JSON`];
    }
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${CONTRACT_ID}${pointer}` });
      this.compiled.set(pointer, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map(
      (error) => `${what}${error.instancePath} ${error.message ?? 'is invalid'} (${error.schemaPath})`,
    );
  }

  private resolve(ref: string): Json {
    return ref
      .slice(2)
      .split('/')
      .reduce<Json>(
        (node, segment) => node[segment.replaceAll('~1', '/').replaceAll('~0', '~')] as Json,
        this.document,
      );
  }
}
