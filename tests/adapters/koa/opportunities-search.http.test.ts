import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';

interface Run {
  text: string;
  match: boolean;
}
interface SearchJson {
  next: string | null;
  previous: string | null;
  suggestion: string | null;
  results: { id: string; title: string; highlight: { title: Run[]; description: Run[] } }[];
}

describe('HTTP: search as people expect it', () => {
  let api: TestService;

  before(async () => {
    api = await startTestService();
    await api.truncate();
    const token = await api.tokenFor({ userId: 'alice', role: 'user' });
    const posts = [
      {
        title: 'Python mentor',
        description: 'Teach <b>kids</b> Python.',
        category: 'tech',
        tags: ['remote'],
        location: 'Kraków',
      },
      { title: 'Python tutor', description: 'Evening lessons.', category: 'tech', tags: [], location: 'Lyon' },
      { title: 'Café helper', description: 'Serve coffee.', category: 'food', tags: ['remote'], location: 'Lyon' },
      ...Array.from({ length: 5 }, (_, i) => ({
        title: `Garden job ${i}`,
        description: 'Plant trees.',
        category: 'outdoors',
      })),
    ];
    for (const post of posts) {
      const response = await api.request(PATH, { method: 'POST', token, json: post });
      expect(response.status).to.equal(201);
    }
  });
  after(async () => api.stop());

  async function get<T>(url: string): Promise<T> {
    const response = await fetch(url.startsWith('http') ? url : `${api.url}${url}`);
    expect(response.status, url).to.equal(200);
    return (await response.json()) as T;
  }
  const search = (q: string, extra = '') => get<SearchJson>(`${PATH}/search?q=${encodeURIComponent(q)}${extra}`);

  it('returns highlights as text runs (user text stays plain text) and a null suggestion', async () => {
    const body = await search('kids');
    expect(body.suggestion).to.equal(null);
    expect(body.results.map((r) => r.title)).to.deep.equal(['Python mentor']);
    expect(body.results[0]?.highlight.title).to.deep.equal([{ text: 'Python mentor', match: false }]);
    const description = body.results[0]?.highlight.description ?? [];
    expect(description.map((run) => run.text).join('')).to.equal('Teach <b>kids</b> Python.');
    expect(description.filter((run) => run.match).map((run) => run.text)).to.deep.equal(['kids']);
  });

  it('suggests the corrected query when only corrections matched', async () => {
    const body = await search('pyhton mentr');
    expect(body.results[0]?.title).to.equal('Python mentor');
    expect(body.suggestion).to.equal('python mentor');
  });

  it('filters search and lists by location and tag', async () => {
    expect((await search('python', '&location=KRAKOW')).results.map((r) => r.title)).to.deep.equal(['Python mentor']);
    expect((await search('python', '&tag=remote')).results.map((r) => r.title)).to.deep.equal(['Python mentor']);
    const listed = await get<SearchJson>(`${PATH}?location=lyon&tag=remote`);
    expect(listed.results.map((r) => r.title)).to.deep.equal(['Café helper']);
    const bad = await api.request(`${PATH}?tag=${'x'.repeat(41)}`);
    expect(bad.status).to.equal(400);
  });

  it('pages through ranked results by next links without repeats or gaps', async () => {
    const seen: string[] = [];
    let url: string | null = `${PATH}/search?q=garden&limit=2`;
    while (url) {
      const page: SearchJson = await get<SearchJson>(url);
      seen.push(...page.results.map((r) => r.title));
      url = page.next;
    }
    expect(seen).to.have.length(5);
    expect(new Set(seen).size).to.equal(5);
  });

  it('serves as-you-type suggestions: titles with highlights, a small limit', async () => {
    const body = await get<{ suggestion: string | null; results: { id: string; title: string; highlight: Run[] }[] }>(
      `${PATH}/search/suggestions?q=pyt`,
    );
    expect(body.results.map((r) => r.title)).to.have.members(['Python mentor', 'Python tutor']);
    expect(body.results[0]?.highlight.find((run) => run.match)?.text).to.equal('Python');
    const titlesOnly = await get<{ results: unknown[] }>(`${PATH}/search/suggestions?q=kids`);
    expect(titlesOnly.results).to.deep.equal([]);
    expect((await api.request(`${PATH}/search/suggestions?q=pyt&limit=11`)).status).to.equal(400);
    expect((await api.request(`${PATH}/search/suggestions`)).status).to.equal(400);
  });

  it('answers 200 or 400, never 500, for any text up to the limit', async () => {
    const texts = [
      '-'.repeat(200),
      '"'.repeat(200),
      '-"'.repeat(100),
      'or '.repeat(66),
      "!&|:*()<->\\'",
      "'; drop table opportunity; --",
      'a'.repeat(200),
      'é'.repeat(200),
      '\u0001\u0002 python',
      Array.from({ length: 60 }, (_, i) => `w${i}`)
        .join(' ')
        .slice(0, 200),
      '👩‍💻 python',
    ];
    for (const q of texts) {
      for (const path of ['search', 'search/suggestions']) {
        const response = await api.request(`${PATH}/${path}?q=${encodeURIComponent(q)}`);
        expect([200, 400], `${path} ${q}`).to.include(response.status);
      }
    }
  });
});
