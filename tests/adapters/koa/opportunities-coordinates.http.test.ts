import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';
const body = (overrides: Record<string, unknown> = {}) => ({
  title: 'Harbour clean-up',
  description: 'Collect plastic along the quays.',
  category: 'volunteering',
  location: 'Lisbon',
  ...overrides,
});

describe('HTTP: coordinates on an opportunity', () => {
  let api: TestService;
  let alice: string;

  before(async () => {
    api = await startTestService();
    await api.truncate();
    alice = await api.tokenFor({ userId: 'alice-coordinates', role: 'user' });
  });
  after(async () => api.stop());

  async function post(json: unknown) {
    return api.request(PATH, { method: 'POST', token: alice, json });
  }

  it('stores them beside the location name, answers them on every read, and PUT may change or clear them', async () => {
    const created = await post(body({ coordinates: { lat: 38.7223, lng: -9.1393, ignored: 1 } }));
    expect(created.status).to.equal(201);
    const opportunity = (await created.json()) as { id: string; coordinates: unknown };
    expect(opportunity.coordinates).to.deep.equal({ lat: 38.7223, lng: -9.1393 });
    const path = `${PATH}/${opportunity.id}`;
    expect(((await (await api.request(path)).json()) as { coordinates: unknown }).coordinates).to.deep.equal({
      lat: 38.7223,
      lng: -9.1393,
    });
    const listed = (await (await api.request(PATH)).json()) as { results: { id: string; coordinates: unknown }[] };
    expect(listed.results.find((row) => row.id === opportunity.id)?.coordinates).to.deep.equal({
      lat: 38.7223,
      lng: -9.1393,
    });

    const moved = await api.request(path, {
      method: 'PUT',
      token: alice,
      json: body({ coordinates: { lat: -90, lng: 180 } }),
    });
    expect(((await moved.json()) as { coordinates: unknown }).coordinates).to.deep.equal({ lat: -90, lng: 180 });
    const cleared = await api.request(path, { method: 'PUT', token: alice, json: body() });
    expect(((await cleared.json()) as { coordinates: unknown }).coordinates).to.equal(null);
    expect(((await (await api.request(path)).json()) as { coordinates: unknown }).coordinates).to.equal(null);
  });

  it('is null when not given', async () => {
    const created = (await (await post(body())).json()) as { coordinates: unknown };
    expect(created.coordinates).to.equal(null);
  });

  it('answers 400 naming coordinates.lat or coordinates.lng for values out of range, not numbers, or missing', async () => {
    const cases: [unknown, string][] = [
      [{ lat: 91, lng: 0 }, 'coordinates.lat'],
      [{ lat: -90.5, lng: 0 }, 'coordinates.lat'],
      [{ lat: '45', lng: 0 }, 'coordinates.lat'],
      [{ lng: 0 }, 'coordinates.lat'],
      [{ lat: 0, lng: 180.01 }, 'coordinates.lng'],
      [{ lat: 0, lng: null }, 'coordinates.lng'],
      ['38.7,-9.1', 'coordinates'],
      [[38.7, -9.1], 'coordinates'],
    ];
    for (const [coordinates, field] of cases) {
      const response = await post(body({ coordinates }));
      expect(response.status, JSON.stringify(coordinates)).to.equal(400);
      const problem = (await response.json()) as { errors: { field: string; message: string }[] };
      expect(
        problem.errors.map((error) => error.field),
        JSON.stringify(coordinates),
      ).to.deep.equal([field]);
    }
  });

  it('refuses a number JSON can spell but JavaScript cannot hold (1e999 is Infinity) with a 400', async () => {
    const raw = '{"title":"t","description":"d","category":"c","coordinates":{"lat":1e999,"lng":0}}';
    const response = await api.request(PATH, {
      method: 'POST',
      token: alice,
      headers: { 'content-type': 'application/json' },
      body: raw,
    });
    expect(response.status).to.equal(400);
    const problem = (await response.json()) as { errors: { field: string; message: string }[] };
    expect(problem.errors).to.deep.equal([{ field: 'coordinates.lat', message: 'must be a number from -90 to 90' }]);
  });
});
