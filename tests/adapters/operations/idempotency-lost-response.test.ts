import { expect } from 'chai';
import pg from 'pg';
import { CuttingProxy } from '../../support/cutting-proxy.js';
import { testDatabaseUrl } from '../../support/test-database.js';
import { startTestService, type TestService } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';
const body = (title: string) => ({ title, description: 'Committed, then the answer was lost.', category: 'tests' });

/**
 * The failure the Idempotency-Key exists for: PostgreSQL commits the insert, then the connection
 * drops before the service hears back, so the client gets an error for a write that happened and
 * retries.
 */
describe('Operations: a committed create whose answer was lost, then retried', function () {
  this.timeout(30_000);
  let proxy: CuttingProxy;
  let api: TestService;
  let held: TestService;
  let db: pg.Client;
  let token: string;

  before(async () => {
    const url = new URL(await testDatabaseUrl());
    proxy = new CuttingProxy(url.hostname, Number(url.port || 5432));
    url.port = String(await proxy.start());
    // No failover hold here: these cases are about what a client's own retry does.
    api = await startTestService({
      DATABASE_URL: url.toString(),
      RATE_LIMIT_ENABLED: 'false',
      DB_FAILOVER_HOLD_MS: '0',
    });
    held = await startTestService({ DATABASE_URL: url.toString(), RATE_LIMIT_ENABLED: 'false' });
    db = new pg.Client({ connectionString: await testDatabaseUrl() });
    await db.connect();
    token = await api.tokenFor({ userId: 'lost-response-user' });
  });
  after(async () => {
    await db?.end();
    await api?.stop();
    await held?.stop();
    await proxy?.stop();
  });

  const rows = async (title: string) =>
    Number((await db.query('select count(*) from opportunity where title = $1', [title])).rows[0].count);
  const post = (title: string, key?: string) =>
    api.request(PATH, {
      method: 'POST',
      token,
      json: body(title),
      headers: key === undefined ? {} : { 'Idempotency-Key': key },
    });

  /** Sends the create while the proxy loses its answer; returns the status the client saw. */
  async function postWithLostAnswer(title: string, key?: string): Promise<number> {
    expect((await api.request('/health')).status).to.equal(200); // a warm pool
    proxy.arm();
    const lost = await post(title, key);
    await lost.text();
    expect(proxy.cuts).to.be.greaterThan(0);
    expect(await rows(title)).to.equal(1); // committed although the service saw a failure
    return lost.status;
  }

  it('without a key, the natural retry creates a duplicate (the problem)', async () => {
    expect(await postWithLostAnswer('Lost without key')).to.equal(503);
    expect((await post('Lost without key')).status).to.equal(201);
    expect(await rows('Lost without key')).to.equal(2);
  });

  it('with a key, the retry gets the original 201 and no second row', async () => {
    expect(await postWithLostAnswer('Lost with key', 'lost-key-1')).to.equal(503);
    const retry = await post('Lost with key', 'lost-key-1');
    expect(retry.status).to.equal(201);
    expect(retry.headers.get('idempotent-replayed')).to.equal('true');
    const replayed = (await retry.json()) as { id: string; title: string };
    const stored = await db.query('select id from opportunity where title = $1', ['Lost with key']);
    expect(replayed.id).to.equal(stored.rows[0].id);
    expect(retry.headers.get('location')).to.equal(`${PATH}/${replayed.id}`);
    expect(await rows('Lost with key')).to.equal(1);
  });

  it('with a key and the failover hold, the service repeats the create itself: the original 201, one row', async () => {
    expect((await held.request('/health')).status).to.equal(200);
    proxy.arm();
    const answer = await held.request(PATH, {
      method: 'POST',
      token,
      json: body('Repeated by the service'),
      headers: { 'Idempotency-Key': 'lost-key-2' },
    });
    expect(proxy.cuts).to.be.greaterThan(0);
    expect(answer.status).to.equal(201);
    const created = (await answer.json()) as { id: string };
    const stored = await db.query('select id from opportunity where title = $1', ['Repeated by the service']);
    expect(stored.rows.map((row: { id: string }) => row.id)).to.deep.equal([created.id]);
  });

  it('without a key, the failover hold repeats the insert under the same id: 201, one row', async () => {
    expect((await held.request('/health')).status).to.equal(200);
    proxy.arm();
    const answer = await held.request(PATH, { method: 'POST', token, json: body('Repeated under its id') });
    expect(proxy.cuts).to.be.greaterThan(0);
    expect(answer.status).to.equal(201);
    const created = (await answer.json()) as { id: string };
    const stored = await db.query('select id from opportunity where title = $1', ['Repeated under its id']);
    expect(stored.rows.map((row: { id: string }) => row.id)).to.deep.equal([created.id]);
  });
});
