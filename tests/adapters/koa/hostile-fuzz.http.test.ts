import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import pg from 'pg';
import { testDatabaseUrl } from '../../support/test-database.js';
import { startTestService, type TestService } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';
const VALID = { title: 'Fuzz target', description: 'Valid.', category: 'fuzz', location: 'Lyon', tags: ['a'] };

/** Values that broke or could break a parser, PostgreSQL or `new Date` (JSON-representable). */
const HOSTILE_JSON: unknown[] = [
  'nul\u0000inside',
  '\u0001\u001f\u007f',
  '\ud800lone',
  'x'.repeat(20_000),
  '\u200b\u200c\u200d',
  '-'.repeat(200),
  "'; drop table opportunity; --",
  '2027-02-30',
  '+275760-09-13',
  1e308,
  -0,
  2 ** 53 + 2,
  true,
  null,
  { $gt: '' },
  ['nested', ['deeper']],
  [],
];

/** Query and path values (already percent-encoded where needed). */
const HOSTILE_QUERY: string[] = [
  '%00',
  'a%01b',
  '%ED%A0%80',
  '%FF%FE',
  encodeURIComponent('-'.repeat(200)),
  'x'.repeat(3000),
  'NaN',
  'Infinity',
  '-0',
  '1e400',
  '99999999999999999999',
  encodeURIComponent("' or 1=1 --"),
  encodeURIComponent('!&|():*<->'),
  '%',
  '',
];

const LEAK =
  /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|SQLSTATE|syntax error|violates|relation "|column "|tsquery|stack too small|ECONN|zlib/i;

interface Sent {
  readonly label: string;
  readonly status: number;
  readonly body: string;
  readonly method: string;
}

describe('HTTP: fuzz-style hostile requests on every route and field', function () {
  this.timeout(120_000);
  let api: TestService;
  let token: string;
  let targetId: string;
  const sent: Sent[] = [];

  before(async () => {
    api = await startTestService({ RATE_LIMIT_READS: '1000000', RATE_LIMIT_WRITES: '1000000' });
    await api.truncate();
    token = await api.tokenFor({ userId: 'fuzz-user' });
    const created = await api.request(PATH, { method: 'POST', token, json: VALID });
    targetId = ((await created.json()) as { id: string }).id;
  });
  after(async () => api.stop());

  async function send(label: string, path: string, init: RequestInit & { json?: unknown; raw?: boolean } = {}) {
    const { json, raw, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (!raw) headers.set('authorization', `Bearer ${token}`);
    if (json !== undefined) headers.set('content-type', 'application/json');
    const response = await fetch(`${api.url}${path}`, {
      ...rest,
      headers,
      ...(json === undefined ? {} : { body: JSON.stringify(json) }),
    });
    sent.push({ label, status: response.status, body: await response.text(), method: rest.method ?? 'GET' });
  }

  async function rows(): Promise<{ count: number; version: number }> {
    const client = new pg.Client({ connectionString: await testDatabaseUrl() });
    await client.connect();
    try {
      const count = await client.query<{ n: number }>('select count(*)::int as n from opportunity');
      const target = await client.query<{ version: number }>('select version from opportunity where id = $1', [
        targetId,
      ]);
      return { count: count.rows[0]?.n ?? 0, version: target.rows[0]?.version ?? 0 };
    } finally {
      await client.end();
    }
  }

  it('sends at least 200 hostile requests: no 5xx, no leak, nothing stored by a refusal', async () => {
    const before = await rows();
    const fields = Object.keys(VALID).concat(['status', 'deadline']);
    for (const field of fields) {
      for (const [index, value] of HOSTILE_JSON.entries()) {
        const body = { ...VALID, [field]: value };
        await send(`POST ${field} #${index}`, PATH, { method: 'POST', json: body });
        await send(`PUT ${field} #${index}`, `${PATH}/${targetId}`, { method: 'PUT', json: body });
      }
    }
    for (const value of HOSTILE_JSON) {
      await send(`POST body ${JSON.stringify(value).slice(0, 20)}`, PATH, { method: 'POST', json: value });
    }
    for (const [index, value] of HOSTILE_QUERY.entries()) {
      for (const name of ['category', 'status', 'createdBy', 'limit', 'cursor']) {
        await send(`GET list ${name} #${index}`, `${PATH}?${name}=${value}`, { raw: true });
      }
      await send(`GET search q #${index}`, `${PATH}/search?q=${value}`, { raw: true });
      await send(`GET search cursor #${index}`, `${PATH}/search?q=fuzz&cursor=${value}`, { raw: true });
      await send(`GET category path #${index}`, `${PATH}/category/${value}`, { raw: true });
      await send(`GET id #${index}`, `${PATH}/${value}`, { raw: true });
      await send(`PUT id #${index}`, `${PATH}/${value}`, { method: 'PUT', json: VALID });
      await send(`DELETE id #${index}`, `${PATH}/${value}`, { method: 'DELETE' });
      await send(`If-Match #${index}`, `${PATH}/${targetId}`, {
        method: 'PUT',
        json: VALID,
        headers: { 'if-match': decodeURIComponentSafe(value) },
      });
    }
    for (const raw of [
      '['.repeat(60_000),
      `{"title":${'['.repeat(30_000)}${']'.repeat(30_000)}}`,
      '{"__proto__":{"x":1},"title":"a"}',
      '{"title":"a","constructor":{"prototype":{}}}',
      '{"title":"\\ud800","description":"x","category":"c"}',
      '"just a string"',
      'null',
      '{"title": "unterminated',
    ]) {
      await send(`POST raw ${raw.slice(0, 16)}`, PATH, {
        method: 'POST',
        body: raw,
        headers: { 'content-type': 'application/json' },
      });
    }
    const plain = Buffer.from(JSON.stringify(VALID));
    for (const [encoding, payload] of [
      ['gzip', plain],
      ['deflate', plain],
      ['br', plain],
      ['gzip', gzipSync(plain).subarray(0, 12)],
      ['x-unknown', plain],
      ['gzip', gzipSync(Buffer.from(`{"title":"${'a'.repeat(3_000_000)}"}`))],
    ] as const) {
      await send(`Content-Encoding ${encoding}`, PATH, {
        method: 'POST',
        body: payload,
        headers: { 'content-type': 'application/json', 'content-encoding': encoding },
      });
    }
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16']) {
      await send(`Content-Type ${type}`, PATH, {
        method: 'POST',
        body: JSON.stringify(VALID),
        headers: { 'content-type': type },
      });
    }
    for (const authorization of [
      'Bearer',
      'Bearer a b',
      `Bearer ${'x'.repeat(9000)}`,
      'Bearer a.b.c',
      'Bearer \u00ff',
    ]) {
      await send(`Authorization ${authorization.slice(0, 12)}`, `${PATH}?limit=1`, {
        raw: true,
        headers: { authorization },
      });
    }

    expect(sent.length, 'hostile requests sent').to.be.at.least(200);
    const failures = sent.filter((request) => request.status >= 500 || request.status === 0);
    expect(
      failures.map((request) => `${request.label}: ${request.status} ${request.body.slice(0, 120)}`),
    ).to.deep.equal([]);
    const leaks = sent.filter((request) => request.status >= 400 && LEAK.test(request.body));
    expect(leaks.map((request) => `${request.label}: ${request.body.slice(0, 200)}`)).to.deep.equal([]);

    const after = await rows();
    const createdOk = sent.filter((request) => request.method === 'POST' && request.status === 201).length;
    const updatedOk = sent.filter(
      (request) => request.method === 'PUT' && request.status === 200 && request.body.includes(targetId),
    ).length;
    const deletedOk = sent.filter((request) => request.method === 'DELETE' && request.status === 204).length;
    expect(deletedOk, 'no hostile id deletes anything').to.equal(0);
    expect(after.count, 'only acknowledged creations are stored').to.equal(before.count + createdOk);
    expect(after.version, 'only acknowledged updates changed the row').to.equal(before.version + updatedOk);
  });
});

function decodeURIComponentSafe(value: string): string {
  try {
    const decoded = decodeURIComponent(value);
    // Header values cannot carry control characters or non-Latin-1 text; send those percent-encoded.
    return /^[\u0020-\u007e]*$/.test(decoded) ? decoded : value;
  } catch {
    return value;
  }
}
