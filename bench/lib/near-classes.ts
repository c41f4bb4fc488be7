import type autocannon from 'autocannon';
import { GEO_WORDS } from './seed-geo.js';

const API = '/api/v1/opportunities';
export const PARIS = { lat: 48.8566, lng: 2.3522 } as const;
const near = `near=${PARIS.lat},${PARIS.lng}&radiusKm=10`;

/** A measured class of issue 30: its request, its p95 targets (ms, at 1 / 8 connections), its body check. */
export interface NearClass {
  readonly name: string;
  readonly label: string;
  readonly path: string;
  readonly targetP95: { readonly 1: number; readonly 8: number };
  /** What every 200 body of the class must contain (a cheap test, run on every response). */
  readonly bodyHolds: readonly string[];
  /** The class may rightly answer no results (and then carries no `distanceKm`). */
  readonly mayBeEmpty?: boolean;
}

export const NEAR_CLASSES: readonly NearClass[] = [
  {
    name: 'near-newest',
    label: '(a) near Paris + 10 km, newest first',
    path: `${API}?${near}&limit=20`,
    targetP95: { 1: 10, 8: 30 },
    bodyHolds: ['"results":[{', '"distanceKm":'],
  },
  {
    name: 'near-distance',
    label: '(b) near Paris + 10 km, sort=distance',
    path: `${API}?${near}&sort=distance&limit=20`,
    targetP95: { 1: 10, 8: 30 },
    bodyHolds: ['"results":[{', '"distanceKm":'],
  },
  {
    // Relevance order inside the radius; the bounded candidate set may leave it short (docs/near-and-facets.md).
    name: 'near-search',
    label: '(c) near Paris + 10 km + q=python mentor',
    path: `${API}/search?q=python%20mentor&${near}&limit=20`,
    targetP95: { 1: 20, 8: 50 },
    bodyHolds: ['"results":['],
    mayBeEmpty: true,
  },
  {
    name: 'facets-common',
    label: '(d) facets=category,status on q=help',
    path: `${API}/search?q=help&facets=category,status&limit=20`,
    targetP95: { 1: 30, 8: 80 },
    bodyHolds: ['"results":[{', '"facets":{', '"facetsExact":'],
  },
  {
    name: 'most-descriptions',
    label: '(e) q=people help (most descriptions, no title)',
    path: `${API}/search?q=people%20help&limit=20`,
    targetP95: { 1: 25, 8: 60 },
    bodyHolds: ['"results":[{'],
  },
];

/** What a response-checking request found wrong: counts and the first example (status and a body excerpt). */
export class BodyCheck {
  failures = 0;
  empty = 0;
  example: string | undefined;

  fail(what: string, status: number, body: string): void {
    this.failures += 1;
    this.example ??= `${what}: status ${status}, body ${body.slice(0, 300)}`;
  }
}

/**
 * Tags every response with its kind (`onKind`, before load.ts records its latency: autocannon calls
 * a request's onResponse first) and checks its status and body as it arrives.
 */
function checked(
  kind: string,
  expectStatus: number,
  check: BodyCheck,
  onKind: (kind: string) => void,
  setup: (context: Record<string, unknown>) => {
    path: string;
    method?: 'GET' | 'POST';
    body?: string;
    headers?: Record<string, string>;
  },
  holds: (body: string, context: Record<string, unknown>) => string | null,
): autocannon.Request {
  return {
    method: 'GET',
    setupRequest: (request, context) => ({ ...request, method: 'GET', ...setup(context as Record<string, unknown>) }),
    onResponse: (status, body, context) => {
      onKind(kind);
      if (status !== expectStatus) return check.fail(kind, status, body);
      const wrong = holds(body, context as Record<string, unknown>);
      if (wrong !== null) check.fail(`${kind} (${wrong})`, status, body);
    },
  };
}

/** One class's request, every response checked. */
export function classRequest(nearClass: NearClass, check: BodyCheck): autocannon.Request {
  return checked(
    nearClass.name,
    200,
    check,
    () => undefined,
    () => ({ path: nearClass.path }),
    (body) => {
      if (nearClass.mayBeEmpty && body.includes('"results":[]')) {
        check.empty += 1;
        return null;
      }
      return nearClass.bodyHolds.find((part) => !body.includes(part)) ?? null;
    },
  );
}

/**
 * The mixed load's cycle, per connection: 4 GET /:id of random ids, 2 first pages, 2 searches for
 * "people help", 2 POSTs whose descriptions hold both words, so each new row matches the search and
 * comes first in its newest-first ties. 60 % reads, 20 % searches, 20 % writes by count.
 */
export const MIX = { read: 4, page: 2, search: 2, post: 2 } as const;
export type MixKind = keyof typeof MIX;

export function mixedRequests(
  ids: readonly string[],
  token: string,
  check: BodyCheck,
  onKind: (kind: MixKind) => void,
): autocannon.Request[] {
  const any = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;
  const tag = (kind: MixKind) => () => onKind(kind);
  const read = checked(
    'read',
    200,
    check,
    tag('read'),
    (context) => {
      context.id = any(ids);
      return { path: `${API}/${String(context.id)}` };
    },
    (body, context) => (body.includes(`"id":"${String(context.id)}"`) ? null : 'not the row asked for'),
  );
  const page = checked(
    'page',
    200,
    check,
    tag('page'),
    () => ({ path: `${API}?limit=20` }),
    (body) => (body.includes('"results":[{') ? null : 'no results'),
  );
  const search = checked(
    'search',
    200,
    check,
    tag('search'),
    () => ({ path: `${API}/search?q=people%20help&limit=20` }),
    (body) => (body.includes('"results":[{') ? null : 'no results'),
  );
  const post = checked(
    'post',
    201,
    check,
    tag('post'),
    () => {
      const [a, b, c] = [any(GEO_WORDS), any(GEO_WORDS), any(GEO_WORDS)];
      const body = JSON.stringify({
        // Only the seed's words: the rows deleted afterwards leave the search vocabulary as it was.
        title: `${a[0]?.toUpperCase()}${a.slice(1)} ${b} ${c}`,
        description: `We need people to help with ${b} and ${c} near Paris. Friendly people, we help you learn.`,
        category: 'volunteering',
        location: 'Paris',
        coordinates: { lat: PARIS.lat + (Math.random() - 0.5) * 0.1, lng: PARIS.lng + (Math.random() - 0.5) * 0.1 },
        tags: [c],
        status: 'open',
      });
      return {
        method: 'POST',
        path: API,
        body,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      };
    },
    (body) => (body.includes('"id":"') && body.includes('people to help') ? null : 'not the row created'),
  );
  return [
    ...Array<autocannon.Request>(MIX.read).fill(read),
    ...Array<autocannon.Request>(MIX.page).fill(page),
    ...Array<autocannon.Request>(MIX.search).fill(search),
    ...Array<autocannon.Request>(MIX.post).fill(post),
  ];
}
