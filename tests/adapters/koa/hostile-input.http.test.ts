import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';
const body = (overrides: Record<string, unknown> = {}) => ({
  title: 'Beach clean-up',
  description: 'Collect plastic.',
  category: 'volunteering',
  location: 'Marseille',
  tags: ['outdoors'],
  ...overrides,
});
const cursorOf = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');
const ID = '0b0e3c5e-6d2a-4f7e-9c1b-5a4d3e2f1a0b';

interface ProblemBody {
  code?: string;
  errors?: { field: string; message: string }[];
}

describe('HTTP: hostile input gets a 4xx naming the problem, never a 500', () => {
  let api: TestService;
  let token: string;

  before(async () => {
    api = await startTestService({ RATE_LIMIT_WRITES: '100000' });
    await api.truncate();
    token = await api.tokenFor({ userId: 'hostile-input-user' });
  });
  after(async () => api.stop());

  async function expectRefused(response: Response, status: number, field?: string): Promise<ProblemBody> {
    const problem = (await response.json()) as ProblemBody;
    expect(response.status, JSON.stringify(problem)).to.equal(status);
    if (field) expect(problem.errors?.map((issue) => issue.field)).to.include(field);
    return problem;
  }

  async function storedCount(): Promise<number> {
    const response = await api.request(`${PATH}?limit=100`);
    return ((await response.json()) as { results: unknown[] }).results.length;
  }

  describe('control characters and malformed Unicode', () => {
    const fields: [string, (bad: string) => Record<string, unknown>][] = [
      ['title', (bad) => ({ title: `Beach${bad}clean-up` })],
      ['description', (bad) => ({ description: `Collect${bad}plastic` })],
      ['category', (bad) => ({ category: `volunteering${bad}` })],
      ['location', (bad) => ({ location: `Mar${bad}seille` })],
      ['tags', (bad) => ({ tags: ['fine', `out${bad}doors`] })],
    ];
    for (const [field, make] of fields) {
      for (const [name, bad] of [
        ['NUL', '\u0000'],
        ['U+0001', '\u0001'],
        ['escape U+001B', '\u001b'],
        ['DEL', '\u007f'],
        ['C1 U+0085', '\u0085'],
        ['a lone surrogate', '\ud800'],
      ] as const) {
        it(`refuses ${name} in ${field} with 400 naming the field, and stores nothing`, async () => {
          const before = await storedCount();
          const response = await api.request(PATH, { method: 'POST', token, json: body(make(bad)) });
          await expectRefused(response, 400, field);
          expect(await storedCount()).to.equal(before);
        });
      }
    }

    it('keeps tabs and line breaks in a description but refuses them in a title', async () => {
      const created = await api.request(PATH, {
        method: 'POST',
        token,
        json: body({ description: 'Line one\r\n\tLine two' }),
      });
      expect(created.status).to.equal(201);
      expect(((await created.json()) as { description: string }).description).to.equal('Line one\r\n\tLine two');
      await expectRefused(
        await api.request(PATH, { method: 'POST', token, json: body({ title: 'Two\nlines' }) }),
        400,
        'title',
      );
    });

    for (const [name, title] of [
      ['zero-width spaces', '\u200b\u200b\u200c\u200d'],
      ['a byte-order mark and a word joiner', '\ufeff\u2060'],
      ['combining marks only', '\u0301\u0302\u0303'],
      ['bidi overrides only', '\u202e\u202d'],
    ]) {
      it(`refuses a title made only of ${name}: it would show as an empty row`, async () => {
        await expectRefused(await api.request(PATH, { method: 'POST', token, json: body({ title }) }), 400, 'title');
      });
    }

    it('stores odd-but-valid text as given (docs/api.md): bidi, combining marks, emoji; trims a BOM', async () => {
      const title = 'Caf\u0065\u0301 \u202eevil\u202c Z\u0351\u0352\u0353\u0354 \u{1f30a}';
      const response = await api.request(PATH, {
        method: 'POST',
        token,
        json: body({ title: `\ufeff${title}`, tags: ['\u{1f30a}'] }),
      });
      expect(response.status).to.equal(201);
      const created = (await response.json()) as { id: string; title: string; tags: string[] };
      expect(created.title).to.equal(title);
      const read = (await (await api.request(`${PATH}/${created.id}`)).json()) as { title: string; tags: string[] };
      expect(read.title).to.equal(title);
      expect(read.tags).to.deep.equal(['\u{1f30a}']);
    });

    for (const [name, path] of [
      ['q', `${PATH}/search?q=beach%00clean`],
      ['q', `${PATH}/search?q=beach%01`],
      ['category', `${PATH}/category/volunteering%00`],
      ['category', `${PATH}?category=a%00`],
      ['createdBy', `${PATH}?createdBy=user%00`],
      ['createdBy', `${PATH}?createdBy=user%0A`],
      ['id', `${PATH}/${ID.slice(0, -1)}%00`],
    ]) {
      it(`refuses a control character in ${name} (${(path as string).slice(PATH.length)}) with 400`, async () => {
        await expectRefused(await api.request(path as string), 400, name);
      });
    }

    it('refuses a token whose user_id carries a NUL with 401, before it could become createdBy', async () => {
      const nul = await api.tokenFor({ userId: 'user\u0000one' });
      const response = await api.request(PATH, { method: 'POST', token: nul, json: body() });
      expect(response.status).to.equal(401);
      expect(((await response.json()) as ProblemBody).code).to.equal('token_not_valid');
    });
  });

  describe('search syntax', () => {
    const queries = [
      '-'.repeat(33),
      '-'.repeat(200),
      `${'-'.repeat(100)}beach`,
      `beach ${'- '.repeat(90)}plastic`,
      `${'-'.repeat(199)}a`,
      '"'.repeat(200),
      'or '.repeat(66),
      '!'.repeat(200),
      '&|!():*<->'.repeat(20),
      `-"${'-'.repeat(100)}beach"`,
    ];
    for (const q of queries) {
      it(`answers 200 or 400 to q=${JSON.stringify(q.slice(0, 24))}… (${q.length} characters)`, async () => {
        const response = await api.request(`${PATH}/search?q=${encodeURIComponent(q)}`);
        expect([200, 400], await response.clone().text()).to.include(response.status);
      });
    }

    it('keeps the meaning of negation when it collapses a run of minus signs', async () => {
      await api.request(PATH, { method: 'POST', token, json: body({ title: 'Harbour sailing lesson', tags: [] }) });
      const titles = async (q: string) => {
        const response = await api.request(`${PATH}/search?q=${encodeURIComponent(q)}`);
        expect(response.status).to.equal(200);
        return ((await response.json()) as { results: { title: string }[] }).results.map((r) => r.title);
      };
      expect(await titles(`sailing ${'-'.repeat(40)}harbour`)).to.deep.equal(['Harbour sailing lesson']);
      expect(await titles(`sailing ${'-'.repeat(41)}harbour`)).to.deep.equal([]);
    });
  });

  describe('Content-Encoding', () => {
    const send = (encoding: string, payload: Buffer) =>
      api.request(PATH, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-encoding': encoding },
        body: payload,
      });
    const plain = Buffer.from(JSON.stringify(body({ title: 'Compressed' })));

    for (const encoding of ['gzip', 'deflate', 'br']) {
      it(`answers 400 to a ${encoding} body that is not compressed, and stores nothing`, async () => {
        const before = await storedCount();
        const problem = await expectRefused(await send(encoding, plain), 400);
        expect(problem.code).to.equal('invalid_content_encoding');
        expect(await storedCount()).to.equal(before);
      });
    }

    it('answers 400 to a truncated gzip body', async () => {
      const problem = await expectRefused(await send('gzip', gzipSync(plain).subarray(0, 20)), 400);
      expect(problem.code).to.equal('invalid_content_encoding');
    });

    for (const encoding of ['compress', 'zstd', 'gzip, gzip', 'GZIP-ish']) {
      it(`answers 415 to the unsupported encoding "${encoding}"`, async () => {
        const problem = await expectRefused(await send(encoding, plain), 415);
        expect(problem.code).to.equal('unsupported_content_encoding');
      });
    }

    it('applies the body limit to the decompressed size: a gzip bomb is a 413', async () => {
      const bomb = gzipSync(Buffer.from(`{"title":"${' '.repeat(5_000_000)}"}`));
      expect(bomb.length).to.be.below(64 * 1024);
      await expectRefused(await send('gzip', bomb), 413);
    });

    it('accepts a real gzip body', async () => {
      expect((await send('gzip', gzipSync(plain))).status).to.equal(201);
    });
  });

  describe('forged cursors and hostile numbers', () => {
    const cursors: [string, unknown, string][] = [
      ['a time beyond JavaScript dates', { d: 'n', t: 8.64e15 + 1, i: ID }, PATH],
      ['a time beyond year 9999', { d: 'n', t: 253402300800000, i: ID }, PATH],
      ['a time before year 1', { d: 'n', t: -62135596800001, i: ID }, PATH],
      ['a huge negative time', { d: 'p', t: -8.64e15, i: ID }, PATH],
      ['a fractional time', { d: 'n', t: 1.5, i: ID }, PATH],
      ['a rank beyond float4', { d: 'n', t: 0, i: ID, r: 1e39 }, `${PATH}/search?q=beach`],
      ['a rank that underflows float4', { d: 'n', t: 0, i: ID, r: 1e-50 }, `${PATH}/search?q=beach`],
      ['a negative rank', { d: 'n', t: 0, i: ID, r: -1 }, `${PATH}/search?q=beach`],
      ['no rank on a search', { d: 'n', t: 0, i: ID }, `${PATH}/search?q=beach`],
      ['an upper-case id', { d: 'n', t: 0, i: ID.toUpperCase() }, PATH],
    ];
    for (const [name, payload, path] of cursors) {
      it(`answers 400 invalid_cursor to a cursor with ${name}`, async () => {
        const separator = path.includes('?') ? '&' : '?';
        const response = await api.request(`${path}${separator}cursor=${cursorOf(payload)}`);
        expect((await expectRefused(response, 400)).code).to.equal('invalid_cursor');
      });
    }

    it('accepts the extreme cursors that are in range', async () => {
      for (const payload of [
        { d: 'n', t: 253402300799999, i: ID, r: 3.4e38 },
        { d: 'p', t: -62135596800000, i: ID, r: 0 },
        { d: 'n', t: 0, i: ID, r: 1e-45 },
      ]) {
        expect((await api.request(`${PATH}/search?q=beach&cursor=${cursorOf(payload)}`)).status).to.equal(200);
        expect((await api.request(`${PATH}?cursor=${cursorOf(payload)}`)).status).to.equal(200);
      }
    });

    for (const limit of ['1e2', '-0', '0', 'NaN', 'Infinity', '0x10', '101', '99999999999999999999', ' 5', '5.0']) {
      it(`answers 400 to limit=${limit}`, async () => {
        await expectRefused(await api.request(`${PATH}?limit=${encodeURIComponent(limit)}`), 400, 'limit');
      });
    }

    for (const deadline of ['0000-01-01', '+275760-09-13', '2027-02-30', '9999999-01-01', 'NaN']) {
      it(`answers 400 to deadline ${deadline}`, async () => {
        const response = await api.request(PATH, { method: 'POST', token, json: body({ deadline }) });
        await expectRefused(response, 400, 'deadline');
      });
    }

    it('answers 400 to thousands of tags, and to numbers where text belongs', async () => {
      const tags = Array.from({ length: 4_000 }, (_, index) => `t${index}`);
      await expectRefused(await api.request(PATH, { method: 'POST', token, json: body({ tags }) }), 400, 'tags');
      const numbers = body({ title: 1e308, description: -0, tags: [Number.MAX_VALUE] });
      const problem = await expectRefused(await api.request(PATH, { method: 'POST', token, json: numbers }), 400);
      expect(problem.errors?.map((issue) => issue.field)).to.include.members(['title', 'description', 'tags']);
    });

    for (const ifMatch of ['"99999999999"', '"-1"', '"1e3"', '"NaN"', '*, "1"']) {
      it(`answers 400 or 412, never 500, to If-Match: ${ifMatch}`, async () => {
        const created = (await (await api.request(PATH, { method: 'POST', token, json: body() })).json()) as {
          id: string;
        };
        const response = await api.request(`${PATH}/${created.id}`, {
          method: 'PUT',
          token,
          json: body(),
          headers: { 'if-match': ifMatch },
        });
        expect([400, 412]).to.include(response.status);
      });
    }
  });
});
