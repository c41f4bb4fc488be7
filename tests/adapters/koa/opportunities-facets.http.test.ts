import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';
type Counted = { results: unknown[]; facets?: Record<string, Record<string, number>>; facetsExact?: boolean };

describe('HTTP: facet counts (facets=category,status)', () => {
  let api: TestService;

  before(async () => {
    api = await startTestService();
    await api.truncate();
    const token = await api.tokenFor({ userId: 'facets', role: 'user' });
    const rows = [
      { title: 'Garden helper', category: 'volunteering', status: 'open', coordinates: { lat: 48.85, lng: 2.35 } },
      { title: 'Garden designer', category: 'jobs', status: 'open', coordinates: { lat: 48.86, lng: 2.34 } },
      { title: 'Garden tools', category: 'volunteering', status: 'closed' },
      { title: 'Piano teacher', category: 'music', status: 'open' },
    ];
    for (const row of rows) {
      const json = { ...row, description: 'Details inside.' };
      expect((await api.request(PATH, { method: 'POST', token, json })).status).to.equal(201);
    }
  });
  after(async () => api.stop());

  async function get(path: string): Promise<Counted> {
    const response = await api.request(path);
    expect(response.status, path).to.equal(200);
    return (await response.json()) as Counted;
  }

  it('adds counts over every match, not the page, on list, category and search', async () => {
    const listed = await get(`${PATH}?facets=category,status&limit=1`);
    expect(listed.results).to.have.length(1);
    expect(listed.facets).to.deep.equal({
      category: { volunteering: 2, jobs: 1, music: 1 },
      status: { open: 3, closed: 1 },
    });
    expect(listed.facetsExact).to.equal(true);
    const category = await get(`${PATH}/category/volunteering?facets=status`);
    expect(category.facets).to.deep.equal({ status: { open: 1, closed: 1 } });
    const near = await get(`${PATH}?near=48.8566,2.3522&radiusKm=5&facets=category`);
    expect(near.facets).to.deep.equal({ category: { volunteering: 1, jobs: 1 } });
    const searched = await get(`${PATH}/search?q=garden&facets=status,category&limit=1`);
    expect(searched.facets).to.deep.equal({ status: { open: 2, closed: 1 }, category: { volunteering: 2, jobs: 1 } });
    expect(searched.facetsExact).to.equal(true);
    const plain = await get(PATH);
    expect(plain).not.to.have.property('facets');
    expect(plain).not.to.have.property('facetsExact');
  });

  it('answers 400 naming facets for an unknown, repeated or empty field', async () => {
    for (const value of ['colour', 'category,category', '', 'category,', 'Category', 'tags']) {
      for (const path of [PATH, `${PATH}/search?q=garden&`]) {
        const separator = path.includes('?') ? '' : '?';
        const response = await api.request(`${path}${separator}facets=${encodeURIComponent(value)}`);
        expect(response.status, value).to.equal(400);
        const problem = (await response.json()) as { errors: { field: string }[] };
        expect(
          problem.errors.map((e) => e.field),
          value,
        ).to.deep.equal(['facets']);
      }
    }
  });
});
