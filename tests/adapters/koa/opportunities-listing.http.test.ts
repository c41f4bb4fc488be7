import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/test-service.js';
import { waitUntil } from '../../support/wait.js';

const PATH = '/api/v1/opportunities';

interface PageJson {
  next: string | null;
  previous: string | null;
  results: { id: string; title: string; category: string; createdBy: string; status: string }[];
}

describe('HTTP: listing, category and search', () => {
  let api: TestService;
  const created: { id: string; title: string }[] = [];

  before(async () => {
    api = await startTestService();
    await api.truncate();
    const alice = await api.tokenFor({ userId: 'alice', role: 'user' });
    const bob = await api.tokenFor({ userId: 'bob', role: 'user' });
    const posts = [
      {
        title: 'Piano teacher for children',
        description: 'Weekly lessons at the school.',
        category: 'music',
        tags: ['piano'],
      },
      { title: 'Stage crew', description: 'Carry a grand piano and lights.', category: 'events', tags: [] },
      { title: 'Choir accompanist', description: 'Accompany rehearsals.', category: 'music', tags: ['piano', 'choir'] },
      { title: 'Dog walker', description: 'Walk two friendly dogs.', category: 'pets', tags: ['dogs'] },
      {
        title: 'Garden helper',
        description: 'Weeding and planting.',
        category: 'outdoors',
        tags: [],
        status: 'closed',
      },
    ];
    for (const [index, post] of posts.entries()) {
      const response = await api.request(PATH, { method: 'POST', token: index % 2 === 0 ? alice : bob, json: post });
      expect(response.status).to.equal(201);
      const stored = (await response.json()) as { id: string; title: string; createdAt: string };
      created.push(stored);
      // Distinct creation times, so "newest first" is the posting order (ties would sort by id).
      await waitUntil(() => Date.now() > Date.parse(stored.createdAt), { intervalMs: 1, what: 'the next millisecond' });
    }
  });
  after(async () => api.stop());

  async function page(url: string): Promise<PageJson> {
    const response = await fetch(url.startsWith('http') ? url : `${api.url}${url}`);
    expect(response.status, url).to.equal(200);
    return (await response.json()) as PageJson;
  }

  it('lists newest first in the DRF cursor shape and walks next/previous links', async () => {
    const first = await page(`${PATH}?limit=2`);
    const newestFirst = [...created].reverse().map((o) => o.id);
    expect(first.results.map((o) => o.id)).to.deep.equal(newestFirst.slice(0, 2));
    expect(first.previous).to.equal(null);
    expect(first.next).to.match(/^\/api\/v1\/opportunities\?limit=2&cursor=[\w-]+$/);

    const second = await page(first.next as string);
    expect(second.results.map((o) => o.id)).to.deep.equal(newestFirst.slice(2, 4));
    const third = await page(second.next as string);
    expect(third.results.map((o) => o.id)).to.deep.equal(newestFirst.slice(4));
    expect(third.next).to.equal(null);

    const back = await page(third.previous as string);
    expect(back.results.map((o) => o.id)).to.deep.equal(newestFirst.slice(2, 4));
    const start = await page(back.previous as string);
    expect(start.results.map((o) => o.id)).to.deep.equal(newestFirst.slice(0, 2));
    expect(start.previous).to.equal(null);
  });

  it('filters by category, status and createdBy, keeping filters in the links', async () => {
    const music = await page(`${PATH}?category=music&limit=1`);
    expect(music.results.map((o) => o.category)).to.deep.equal(['music']);
    expect(music.next).to.contain('category=music');
    const rest = await page(music.next as string);
    expect(rest.results.map((o) => o.category)).to.deep.equal(['music']);
    expect(rest.next).to.equal(null);

    expect((await page(`${PATH}?status=closed`)).results.map((o) => o.title)).to.deep.equal(['Garden helper']);
    const byBob = await page(`${PATH}?createdBy=bob`);
    expect(byBob.results.map((o) => o.createdBy)).to.deep.equal(['bob', 'bob']);
  });

  it('serves the category endpoint, and 400 for an invalid slug', async () => {
    const music = await page(`${PATH}/category/music`);
    expect(music.results.map((o) => o.title)).to.deep.equal(['Choir accompanist', 'Piano teacher for children']);
    const bad = await api.request(`${PATH}/category/Not%20A%20Slug`);
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]?.field).to.equal('category');
  });

  it('searches title, tags and description ranked by relevance', async () => {
    const hits = await page(`${PATH}/search?q=piano`);
    expect(hits.results.map((o) => o.title)).to.deep.equal([
      'Piano teacher for children',
      'Choir accompanist',
      'Stage crew',
    ]);
    const filtered = await page(`${PATH}/search?q=piano&category=music&limit=1`);
    expect(filtered.results).to.have.length(1);
    const more = await page(filtered.next as string);
    expect(more.results.map((o) => o.category)).to.deep.equal(['music']);
    expect(more.results[0]?.id).to.not.equal(filtered.results[0]?.id);
    expect(
      (await page(`${PATH}/search?q=${encodeURIComponent('"grand piano"')}`)).results.map((o) => o.title),
    ).to.deep.equal(['Stage crew']);
  });

  it('answers 400 for a missing, blank or overlong q, a bad limit or a forged cursor', async () => {
    const cases = [
      [`${PATH}/search`, 'q'],
      [`${PATH}/search?q=%20%20`, 'q'],
      [`${PATH}/search?q=${'a'.repeat(201)}`, 'q'],
      [`${PATH}?limit=0`, 'limit'],
      [`${PATH}?limit=101`, 'limit'],
      [`${PATH}?limit=ten`, 'limit'],
      [`${PATH}?status=archived`, 'status'],
      [`${PATH}?limit=1&limit=2`, 'limit'],
    ] as const;
    for (const [url, field] of cases) {
      const response = await api.request(url);
      expect(response.status, url).to.equal(400);
      expect(((await response.json()) as { errors: { field: string }[] }).errors[0]?.field, url).to.equal(field);
    }
    for (const cursor of ['nope', Buffer.from('{"d":"n"}').toString('base64url'), 'e30']) {
      const response = await api.request(`${PATH}?cursor=${cursor}`);
      expect(response.status, cursor).to.equal(400);
      expect(((await response.json()) as { code: string }).code).to.equal('invalid_cursor');
    }
    const listCursor = new URL((await page(`${PATH}?limit=1`)).next as string, api.url).searchParams.get('cursor');
    const misuse = await api.request(`${PATH}/search?q=piano&cursor=${listCursor}`);
    expect(misuse.status).to.equal(400);
  });
});
