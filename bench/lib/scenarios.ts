import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type autocannon from 'autocannon';
import { CATEGORIES, type Fixture } from './seed.js';
import type { ServerName } from './servers.js';

const API = '/api/v1/opportunities';

export interface ScenarioContext {
  readonly server: ServerName;
  readonly fixture: Fixture;
  /** A simplejwt access token for WRITER_USER_ID. */
  readonly token: string;
}

export interface Scenario {
  readonly name: string;
  readonly label: string;
  readonly connections: number;
  /** Write scenarios run a fixed number of requests so every response, and row, is accounted for. */
  readonly write?: 'post' | 'put';
  requests(context: ScenarioContext): autocannon.Request[];
}

const any = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

const get = (path: () => string): autocannon.Request => ({
  method: 'GET',
  setupRequest: (request) => ({ ...request, method: 'GET', path: path() }),
});

const getById = (fixture: Fixture) => get(() => `${API}/${any(fixture.ids)}`);
const listFirst = () => get(() => `${API}?limit=20`);
const category = () => get(() => `${API}/category/${any(CATEGORIES)}?limit=20`);
const searchFor = (query: string) => get(() => `${API}/search?q=${encodeURIComponent(query)}&limit=20`);
const search = (fixture: Fixture) => searchFor(fixture.search.query);

/** The query classes of the search targets (bench/README.md), each at 1 and at 8 connections. */
export const SEARCH_CLASSES = [
  { name: 'common', label: 'two common words', query: 'python mentor' },
  { name: 'rare', label: 'rare word', query: 'sommelier' },
  { name: 'prefix', label: '3-letter prefix', query: 'pyt' },
  { name: 'typo', label: 'a typo in each of two words', query: 'pyhton mentr' },
] as const;

/** The service and the limit server page by keyset cursor, the baseline by OFFSET: all land on the same rows. */
export function deepPagePath(server: ServerName, fixture: Fixture): string {
  const { deep } = fixture;
  return server !== 'baseline'
    ? `${API}?limit=${deep.limit}&cursor=${deep.cursor}`
    : `${API}?limit=${deep.limit}&page=${deep.page}`;
}

/** `keyed`: every request carries a fresh Idempotency-Key (unique across runs), so each creates a row. */
function writeRequest(context: ScenarioContext, kind: 'post' | 'put', keyed = false): autocannon.Request {
  let counter = 0;
  const run = randomUUID();
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${context.token}` };
  const { ownedIds } = context.fixture;
  return {
    method: kind === 'post' ? 'POST' : 'PUT',
    headers,
    setupRequest: (request) => {
      counter += 1;
      const body = JSON.stringify({
        title: `Bench ${kind} ${context.server} ${counter}`,
        description: `Written by the benchmark (${kind} number ${counter}) to measure write throughput.`,
        category: any(CATEGORIES),
        location: 'Lisbon',
        tags: ['bench', 'remote'],
        status: 'open',
        deadline: '2026-12-31',
      });
      // Round robin over the writer's rows: an id comes back only after thousands of others,
      // so concurrent PUTs never race on one row.
      const path = kind === 'post' ? API : `${API}/${ownedIds[counter % ownedIds.length] ?? ''}`;
      const key = keyed ? { 'idempotency-key': `bench-${run}-${counter}` } : {};
      return { ...request, method: kind === 'post' ? 'POST' : 'PUT', path, headers: { ...headers, ...key }, body };
    },
  };
}

export function scenarios(options: { connections: number; searchConnections: number }): Scenario[] {
  const { connections } = options;
  return [
    { name: 'get-by-id', label: 'GET /:id (random ids)', connections, requests: (c) => [getById(c.fixture)] },
    { name: 'list-first', label: 'GET / first page', connections, requests: () => [listFirst()] },
    {
      name: 'list-deep',
      label: 'GET / deep page',
      connections,
      requests: (c) => [get(() => deepPagePath(c.server, c.fixture))],
    },
    { name: 'category', label: 'GET /category/:category', connections, requests: () => [category()] },
    { name: 'search', label: 'GET /search two words', connections, requests: (c) => [search(c.fixture)] },
    {
      name: 'search-8',
      label: 'GET /search two words',
      connections: options.searchConnections,
      requests: (c) => [search(c.fixture)],
    },
    ...SEARCH_CLASSES.flatMap((searchClass) =>
      [1, options.searchConnections].map((searchConnections) => ({
        name: `search-${searchClass.name}-${searchConnections}`,
        label: `GET /search ${searchClass.label} "${searchClass.query}"`,
        connections: searchConnections,
        requests: () => [searchFor(searchClass.query)],
      })),
    ),
    { name: 'post', label: 'POST / (token)', connections, write: 'post', requests: (c) => [writeRequest(c, 'post')] },
    {
      // The baseline ignores the header: its column is a plain POST again.
      name: 'post-key',
      label: 'POST / (token, Idempotency-Key)',
      connections,
      write: 'post',
      requests: (c) => [writeRequest(c, 'post', true)],
    },
    {
      name: 'put',
      label: 'PUT /:id (token, owner)',
      connections,
      write: 'put',
      requests: (c) => [writeRequest(c, 'put')],
    },
  ];
}

/** The memory comparison's load: the three routes every obligation-carrying peer serves, in turn. */
export function obligationRequests(context: ScenarioContext): autocannon.Request[] {
  return [getById(context.fixture), listFirst(), writeRequest(context, 'post')];
}

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

interface PageJson {
  next: string | null;
  results: { id: string }[];
}

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/**
 * Before any load: every peer must give the service's JSON for the same rows, and the deep page
 * (cursor built from SQL vs OFFSET) must hold the same ids, or the comparison would be unfair.
 */
export async function checkParity(
  urls: { service: string } & Partial<Record<ServerName, string>>,
  fixture: Fixture,
): Promise<Check[]> {
  const checks: Check[] = [];
  for (const peer of ['baseline', 'limit'] as const) {
    const url = urls[peer];
    if (url !== undefined) checks.push(...(await checkPeer(urls.service, { name: peer, url }, fixture)));
  }
  return checks;
}

async function checkPeer(
  serviceUrl: string,
  peer: { name: ServerName; url: string },
  fixture: Fixture,
): Promise<Check[]> {
  const both = async <T>(path: (server: ServerName) => string): Promise<[T, T]> =>
    Promise.all([json<T>(serviceUrl + path('service')), json<T>(peer.url + path(peer.name))]);
  const checks: Check[] = [];
  const ids = fixture.ids.slice(0, 3);
  let same = 0;
  for (const id of ids) {
    const [service, baseline] = await both<unknown>(() => `${API}/${id}`);
    if (isDeepStrictEqual(service, baseline)) same += 1;
  }
  checks.push({
    name: `GET /:id JSON identical on the service and the ${peer.name}`,
    ok: same === ids.length,
    detail: `${same}/${ids.length}`,
  });
  const pages: [string, (server: ServerName) => string][] = [
    ['first page', () => `${API}?limit=20`],
    [`deep page (rows ${fixture.deep.offset + 1}-${fixture.deep.offset + 20})`, (s) => deepPagePath(s, fixture)],
    ['category page', () => `${API}/category/${CATEGORIES[0]}?limit=20`],
  ];
  for (const [label, path] of pages) {
    const [service, baseline] = await both<PageJson>(path);
    const serviceIds = service.results.map((row) => row.id);
    const baselineIds = baseline.results.map((row) => row.id);
    const ok = serviceIds.length === 20 && isDeepStrictEqual(serviceIds, baselineIds) && service.next !== null;
    checks.push({
      name: `${label}: same 20 ids on the service and the ${peer.name}`,
      ok,
      detail: `${serviceIds.length} vs ${baselineIds.length} rows`,
    });
  }
  return checks;
}
