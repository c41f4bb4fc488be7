import { isDeepStrictEqual } from 'node:util';
import type { Fixture } from './seed.js';
import type { Check } from './scenarios.js';

const API = '/api/v1/opportunities';
/** Headers whose value differs per answer by nature; their presence is still compared. */
const VARYING = new Set([
  'date',
  'x-request-id',
  'ratelimit-remaining',
  'ratelimit-reset',
  'location',
  'content-length',
]);
/**
 * Spellings that mean the same to every client: JSON is UTF-8 whatever a `charset` parameter says
 * (RFC 8259), and CSP directives are split at `;` whatever spaces follow (helmet writes none).
 */
const normalized = (name: string, value: string): string =>
  name === 'content-type'
    ? value.replace(/;\s*charset=utf-8$/i, '')
    : name === 'content-security-policy'
      ? value.replace(/;\s*/g, '; ')
      : value;

/** Fields of a created row that differ between two creations. */
const CREATED = new Set(['id', 'createdAt', 'updatedAt']);

interface Answer {
  status: number;
  headers: Map<string, string>;
  body: unknown;
}

async function ask(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  const headers = new Map([...response.headers].map(([name, value]) => [name.toLowerCase(), value]));
  const text = await response.text();
  return { status: response.status, headers, body: text === '' ? null : JSON.parse(text) };
}

/** What differs between two answers: status, header names, constant header values, body. */
function differences(service: Answer, peer: Answer, ignoreFields: ReadonlySet<string>): string[] {
  const found: string[] = [];
  if (service.status !== peer.status) found.push(`status ${service.status} vs ${peer.status}`);
  for (const name of new Set([...service.headers.keys(), ...peer.headers.keys()])) {
    const [a, b] = [service.headers.get(name), peer.headers.get(name)];
    if (a === undefined || b === undefined) found.push(`${name} only on the ${a === undefined ? 'peer' : 'service'}`);
    else if (!VARYING.has(name) && normalized(name, a) !== normalized(name, b)) found.push(`${name}: ${a} vs ${b}`);
  }
  const strip = (body: unknown) =>
    typeof body === 'object' && body !== null
      ? Object.fromEntries(Object.entries(body).filter(([key]) => !ignoreFields.has(key)))
      : body;
  if (!isDeepStrictEqual(strip(service.body), strip(peer.body))) found.push('body');
  return found;
}

/**
 * The peers that carry the service's obligations must answer GET /:id, the first page and POST as
 * the service does, header by header: the same status, the same header names, the same values for
 * every header that is constant (security headers, cache policy, ETag, content type, rate-limit
 * budget), the same body (a created row's id and times aside), and the request id echoed.
 */
export async function checkHeaderParity(
  serviceUrl: string,
  peer: { name: string; url: string },
  fixture: Fixture,
  token: string,
): Promise<Check[]> {
  const id = fixture.ids[0] ?? '';
  const post = (url: string): Promise<Answer> =>
    ask(`${url}${API}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        title: ' Parity check ',
        description: 'Same answer',
        category: 'education',
        tags: ['a', 'a '],
        location: ' Porto ',
      }),
    });
  const exchanges: [string, (url: string) => Promise<Answer>, ReadonlySet<string>][] = [
    ['GET /:id', (url) => ask(`${url}${API}/${id}`), new Set()],
    [
      'GET /:id with X-Request-Id',
      (url) => ask(`${url}${API}/${id}`, { headers: { 'x-request-id': 'parity-1' } }),
      new Set(),
    ],
    ['GET /:id, an unknown id', (url) => ask(`${url}${API}/00000000-0000-4000-8000-000000000000`), new Set()],
    ['GET first page', (url) => ask(`${url}${API}?limit=20`), new Set()],
    ['POST', post, CREATED],
    [
      'POST without a token',
      (url) => ask(`${url}${API}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }),
      new Set(),
    ],
  ];
  const checks: Check[] = [];
  for (const [label, exchange, ignore] of exchanges) {
    const [service, other] = [await exchange(serviceUrl), await exchange(peer.url)];
    const found = differences(service, other, ignore);
    const echoed = label.includes('X-Request-Id') ? other.headers.get('x-request-id') === 'parity-1' : true;
    if (!echoed) found.push('X-Request-Id not echoed');
    checks.push({
      name: `${label}: status, headers and body of the ${peer.name} as the service's`,
      ok: found.length === 0,
      detail: found.length === 0 ? `${service.headers.size} headers alike` : found.join('; '),
    });
  }
  return checks;
}
