import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';
const body = (overrides: Record<string, unknown> = {}) => ({
  title: 'Beach clean-up',
  description: 'Collect plastic on the beach with the association.',
  category: 'volunteering',
  location: 'Marseille',
  tags: ['outdoors', 'environment'],
  deadline: '2027-06-30',
  ...overrides,
});

describe('HTTP: creating, reading, updating and deleting opportunities', () => {
  let api: TestService;
  let alice: string;
  let bob: string;
  let admin: string;

  before(async () => {
    api = await startTestService();
    await api.truncate();
    alice = await api.tokenFor({
      userId: 'a3c0e9b2-6f1d-4c55-9d1e-2b7f0c8e4a11',
      role: 'user',
      email: 'alice@example.com',
    });
    bob = await api.tokenFor({
      userId: 'b4d1f0c3-7a2e-4d66-8e2f-3c8a1d9f5b22',
      role: 'user',
      email: 'bob@example.com',
    });
    admin = await api.tokenFor({ userId: 7, role: 'admin', email: 'admin@example.com' });
  });
  after(async () => api.stop());

  /** The stored resource as a client reads it back (status and body), to compare before and after. */
  async function readBack(path: string) {
    const response = await api.request(path);
    return { status: response.status, body: (await response.json()) as unknown };
  }

  async function countAll(): Promise<number> {
    const page = (await (await api.request(`${PATH}?limit=100`)).json()) as { results: unknown[]; next: unknown };
    expect(page.next, 'fewer than 100 rows in this suite').to.equal(null);
    return page.results.length;
  }

  async function create(token: string, overrides: Record<string, unknown> = {}) {
    const response = await api.request(PATH, { method: 'POST', token, json: body(overrides) });
    expect(response.status).to.equal(201);
    return (await response.json()) as Record<string, unknown>;
  }

  it('creates with 201, a Location header and createdBy from the token (never from the body)', async () => {
    const response = await api.request(PATH, {
      method: 'POST',
      token: alice,
      json: body({ createdBy: 'someone-else', id: 'ignored', version: 99 }),
    });
    expect(response.status).to.equal(201);
    const created = (await response.json()) as Record<string, unknown>;
    expect(response.headers.get('location')).to.equal(`${PATH}/${created.id as string}`);
    expect(created).to.include({
      createdBy: 'a3c0e9b2-6f1d-4c55-9d1e-2b7f0c8e4a11',
      title: 'Beach clean-up',
      status: 'open',
      version: 1,
      deadline: '2027-06-30',
    });
    expect(created.id).to.match(/^[0-9a-f-]{36}$/);

    const fetched = await api.request(response.headers.get('location') as string);
    expect(fetched.status).to.equal(200);
    expect(await fetched.json()).to.deep.equal(created);
  });

  it('normalises an integer user_id (simplejwt 5.2.2) to its decimal string', async () => {
    const created = await create(admin);
    expect(created.createdBy).to.equal('7');
  });

  it('answers 400 with every invalid field listed, and stores nothing', async () => {
    const rows = await countAll();
    const response = await api.request(PATH, {
      method: 'POST',
      token: alice,
      json: {
        title: '',
        description: 12,
        category: 'Bad Slug',
        tags: ['ok', 5],
        deadline: 'tomorrow',
        status: 'maybe',
      },
    });
    expect(response.status).to.equal(400);
    expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
    const problem = (await response.json()) as { code: string; errors: { field: string }[]; status: number };
    expect(problem.code).to.equal('validation_failed');
    expect(problem.status).to.equal(400);
    expect(problem.errors.map((e) => e.field).sort()).to.deep.equal(
      ['category', 'deadline', 'description', 'status', 'tags', 'title'].sort(),
    );
    expect(await countAll()).to.equal(rows);
  });

  it('requires a token to create, update and delete, and changes nothing without one', async () => {
    const created = await create(alice);
    const stored = await readBack(`${PATH}/${created.id as string}`);
    const rows = await countAll();
    for (const [method, path] of [
      ['POST', PATH],
      ['PUT', `${PATH}/${created.id as string}`],
      ['DELETE', `${PATH}/${created.id as string}`],
    ] as const) {
      const response = await api.request(path, { method, json: body() });
      expect(response.status, `${method} ${path}`).to.equal(401);
      expect(response.headers.get('www-authenticate')).to.equal('Bearer realm="api"');
    }
    expect(await readBack(`${PATH}/${created.id as string}`)).to.deep.equal(stored);
    expect(await countAll()).to.equal(rows);
  });

  it('lets the creator replace the editable fields, and refuses others with 403', async () => {
    const created = await create(alice);
    const path = `${PATH}/${created.id as string}`;
    const forbidden = await api.request(path, { method: 'PUT', token: bob, json: body({ title: 'Hijacked' }) });
    expect(forbidden.status).to.equal(403);
    expect(((await forbidden.json()) as { code: string }).code).to.equal('forbidden');
    expect(await readBack(path), 'after the refused update').to.deep.equal({ status: 200, body: created });

    const response = await api.request(path, {
      method: 'PUT',
      token: alice,
      json: body({ title: 'Beach clean-up (June)', status: 'closed', location: null, tags: [] }),
    });
    expect(response.status).to.equal(200);
    const updated = (await response.json()) as Record<string, unknown>;
    expect(updated).to.include({ title: 'Beach clean-up (June)', status: 'closed', location: null, version: 2 });
    expect(updated.createdBy).to.equal(created.createdBy);
    expect(updated.createdAt).to.equal(created.createdAt);
    expect(response.headers.get('etag')).to.equal('"2"');
    expect(await (await api.request(path)).json()).to.deep.equal(updated);
  });

  it('honours If-Match: a stale version gets 412 with the current ETag and changes nothing', async () => {
    const created = await create(alice);
    const path = `${PATH}/${created.id as string}`;
    const stale = await api.request(path, {
      method: 'PUT',
      token: alice,
      headers: { 'if-match': '"5"' },
      json: body({ title: 'Stale' }),
    });
    expect(stale.status).to.equal(412);
    expect(stale.headers.get('etag')).to.equal('"1"');
    expect(((await stale.json()) as { code: string }).code).to.equal('version_mismatch');
    expect(await readBack(path), 'after the refused update').to.deep.equal({ status: 200, body: created });
    const fresh = await api.request(path, {
      method: 'PUT',
      token: alice,
      headers: { 'if-match': '"1"' },
      json: body(),
    });
    expect(fresh.status).to.equal(200);
  });

  it('lets an admin update and delete anything; others get 403 on delete', async () => {
    const created = await create(alice);
    const path = `${PATH}/${created.id as string}`;
    expect((await api.request(path, { method: 'DELETE', token: bob })).status).to.equal(403);
    expect(await readBack(path), 'after the refused delete').to.deep.equal({ status: 200, body: created });
    const moderated = await api.request(path, { method: 'PUT', token: admin, json: body({ title: 'Moderated' }) });
    expect(moderated.status).to.equal(200);
    expect(((await moderated.json()) as { createdBy: string }).createdBy).to.equal(created.createdBy);
    const deleted = await api.request(path, { method: 'DELETE', token: admin });
    expect(deleted.status).to.equal(204);
    expect((await api.request(path)).status).to.equal(404);
  });

  it('lets the creator delete, then answers 404 for get, update and delete', async () => {
    const created = await create(bob);
    const path = `${PATH}/${created.id as string}`;
    expect((await api.request(path, { method: 'DELETE', token: bob })).status).to.equal(204);
    const missing = await api.request(path);
    expect(missing.status).to.equal(404);
    expect(((await missing.json()) as { code: string }).code).to.equal('not_found');
    expect((await api.request(path, { method: 'PUT', token: bob, json: body() })).status).to.equal(404);
    expect((await api.request(path, { method: 'DELETE', token: bob })).status).to.equal(404);
  });

  it('answers 400 (not 500) for malformed ids', async () => {
    for (const id of ['abc', '123', "1'; drop table opportunity; --", '00000000-0000-0000-0000-00000000000g']) {
      const response = await api.request(`${PATH}/${encodeURIComponent(id)}`);
      expect(response.status, id).to.equal(400);
      const problem = (await response.json()) as { errors: { field: string }[] };
      expect(problem.errors[0]?.field).to.equal('id');
    }
    expect((await api.request(`${PATH}/abc`, { method: 'DELETE', token: alice })).status).to.equal(400);
  });
});
