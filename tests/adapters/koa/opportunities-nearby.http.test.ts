import { expect } from 'chai';
import { haversineKm } from '../../support/haversine.js';
import { startTestService, type TestService } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';
type Listed = { id: string; title: string; coordinates: { lat: number; lng: number } | null; distanceKm?: number };
type Page = { next: string | null; previous: string | null; results: Listed[] };

describe('HTTP: near a point (near, radiusKm, sort=distance)', () => {
  let api: TestService;
  const lisbon = { lat: 38.7223, lng: -9.1393 };
  const places = [
    { title: 'Alfama', lat: 38.7115, lng: -9.1305, category: 'volunteering' }, // 1.4 km
    { title: 'Belém', lat: 38.6979, lng: -9.2065, category: 'jobs' }, // 6.4 km
    { title: 'Sintra', lat: 38.8029, lng: -9.3817, category: 'volunteering' }, // 22.6 km
    { title: 'Setúbal', lat: 38.5244, lng: -8.8882, category: 'volunteering' }, // 31.0 km
    { title: 'Porto', lat: 41.1579, lng: -8.6291, category: 'volunteering' }, // 274 km
    { title: 'Baixa', lat: 38.7107, lng: -9.1366, category: 'volunteering' }, // 1.3 km
  ];

  before(async () => {
    api = await startTestService();
    await api.truncate();
    const token = await api.tokenFor({ userId: 'near-me', role: 'user' });
    for (const { title, lat, lng, category } of places) {
      const json = { title, description: 'Help out.', category, coordinates: { lat, lng } };
      expect((await api.request(PATH, { method: 'POST', token, json })).status).to.equal(201);
    }
    const json = { title: 'Nowhere', description: 'No map.', category: 'volunteering' };
    expect((await api.request(PATH, { method: 'POST', token, json })).status).to.equal(201);
  });
  after(async () => api.stop());

  async function get(path: string): Promise<Page> {
    const response = await api.request(path);
    expect(response.status, path).to.equal(200);
    return (await response.json()) as Page;
  }

  /** Follows `next` links to the end, then `previous` links back to the start. */
  async function walk(path: string): Promise<string[]> {
    const titles: string[] = [];
    let page = await get(path);
    titles.push(...page.results.map((r) => r.title));
    while (page.next) {
      page = await get(page.next);
      titles.push(...page.results.map((r) => r.title));
    }
    const back: string[] = page.results.map((r) => r.title);
    while (page.previous) {
      page = await get(page.previous);
      back.unshift(...page.results.map((r) => r.title));
    }
    expect(back, 'walked back').to.deep.equal(titles);
    return titles;
  }

  it('lists within 25 km by default, newest first, each with distanceKm as haversine gives it (to the metre)', async () => {
    const page = await get(`${PATH}?near=38.7223,-9.1393`);
    expect(page.results.map((r) => r.title)).to.deep.equal(['Baixa', 'Sintra', 'Belém', 'Alfama']);
    for (const result of page.results) {
      expect(result.distanceKm).to.be.closeTo(haversineKm(lisbon, result.coordinates as typeof lisbon), 0.0006);
    }
    const plain = await get(PATH);
    expect(plain.results[0]).not.to.have.property('distanceKm');
  });

  it('orders nearest first with sort=distance, and its cursors walk both ways', async () => {
    expect(await walk(`${PATH}?near=38.7223,-9.1393&radiusKm=500&sort=distance&limit=2`)).to.deep.equal([
      'Baixa',
      'Alfama',
      'Belém',
      'Sintra',
      'Setúbal',
      'Porto',
    ]);
    expect(await walk(`${PATH}?near=38.7223,%20-9.1393&radiusKm=35&limit=2`)).to.deep.equal([
      'Baixa',
      'Setúbal',
      'Sintra',
      'Belém',
      'Alfama',
    ]);
  });

  it('combines with the category path and the other filters', async () => {
    const page = await get(`${PATH}/category/volunteering?near=38.7223,-9.1393&radiusKm=10&sort=distance`);
    expect(page.results.map((r) => r.title)).to.deep.equal(['Baixa', 'Alfama']);
    const jobs = await get(`${PATH}?category=jobs&near=38.7223,-9.1393&radiusKm=10`);
    expect(jobs.results.map((r) => r.title)).to.deep.equal(['Belém']);
  });

  it('filters a search by near and radiusKm, keeping relevance order, with distanceKm on each hit', async () => {
    const page = await get(`${PATH}/search?q=help&near=38.7223,-9.1393&radiusKm=10`);
    // Equally relevant: newest first, whatever the distance.
    expect(page.results.map((r) => r.title)).to.deep.equal(['Baixa', 'Belém', 'Alfama']);
    for (const result of page.results) {
      expect(result.distanceKm).to.be.closeTo(haversineKm(lisbon, result.coordinates as typeof lisbon), 0.0006);
    }
    const response = await api.request(`${PATH}/search?q=help&radiusKm=10`);
    expect(response.status).to.equal(400);
    expect(((await response.json()) as { errors: { field: string }[] }).errors).to.deep.equal([
      { field: 'radiusKm', message: 'needs near' },
    ]);
    const bad = await api.request(`${PATH}/search?q=help&near=0,200`);
    expect(((await bad.json()) as { errors: { field: string }[] }).errors.map((e) => e.field)).to.deep.equal(['near']);
  });

  it('answers 400 naming the parameter for a bad point, radius or order', async () => {
    const cases: [string, string][] = [
      ['near=abc', 'near'],
      ['near=91,0', 'near'],
      ['near=0,181', 'near'],
      ['near=NaN,0', 'near'],
      ['near=38.7', 'near'],
      ['near=1,2&near=3,4', 'near'],
      ['near=0,0&radiusKm=0', 'radiusKm'],
      ['near=0,0&radiusKm=10000', 'radiusKm'],
      ['near=0,0&radiusKm=500.5', 'radiusKm'],
      ['near=0,0&radiusKm=Infinity', 'radiusKm'],
      ['radiusKm=10', 'radiusKm'],
      ['sort=distance', 'sort'],
      ['near=0,0&sort=far', 'sort'],
    ];
    for (const [query, field] of cases) {
      for (const path of [PATH, `${PATH}/category/volunteering`]) {
        const response = await api.request(`${path}?${query}`);
        expect(response.status, query).to.equal(400);
        const problem = (await response.json()) as { errors: { field: string }[] };
        expect(
          problem.errors.map((e) => e.field),
          query,
        ).to.deep.equal([field]);
      }
    }
  });

  it('refuses a newest-first cursor for a nearest-first listing (400 invalid_cursor)', async () => {
    const first = await get(`${PATH}?near=38.7223,-9.1393&radiusKm=500&limit=1`);
    const cursor = new URL(first.next as string, 'http://x').searchParams.get('cursor') as string;
    const response = await api.request(`${PATH}?near=38.7223,-9.1393&radiusKm=500&sort=distance&cursor=${cursor}`);
    expect(response.status).to.equal(400);
    expect(((await response.json()) as { code: string }).code).to.equal('invalid_cursor');
  });
});
