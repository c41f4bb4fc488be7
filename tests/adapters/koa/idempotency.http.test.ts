import { expect } from 'chai';
import pg from 'pg';
import { testDatabaseUrl } from '../../support/test-database.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { waitUntil } from '../../support/wait.js';

const PATH = '/api/v1/opportunities';
const body = (title = 'Harbour clean-up') => ({
  title,
  description: 'Pick up nets and plastic along the harbour.',
  category: 'volunteering',
  tags: ['outdoors'],
});

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

describe('HTTP: Idempotency-Key on writes (real PostgreSQL, two instances)', function () {
  this.timeout(30_000);
  let one: TestService;
  let two: TestService;
  let db: pg.Client;
  let alice: string;
  let bob: string;

  before(async () => {
    one = await startTestService({ RATE_LIMIT_ENABLED: 'false' });
    two = await startTestService({ RATE_LIMIT_ENABLED: 'false' });
    db = new pg.Client({ connectionString: await testDatabaseUrl() });
    await db.connect();
    alice = await one.tokenFor({ userId: 'idem-alice' });
    bob = await one.tokenFor({ userId: 'idem-bob' });
  });
  beforeEach(async () => {
    await db.query('truncate opportunity, idempotency_key');
  });
  after(async () => {
    await db?.end();
    await one?.stop();
    await two?.stop();
  });

  async function send(api: TestService, method: string, path: string, init: Record<string, unknown>) {
    const {
      key,
      token,
      json,
      headers = {},
    } = init as {
      key?: string;
      token: string;
      json?: unknown;
      headers?: Record<string, string>;
    };
    const response = await api.request(path, {
      method,
      token,
      ...(json === undefined ? {} : { json }),
      headers: { ...headers, ...(key === undefined ? {} : { 'Idempotency-Key': key }) },
    });
    return { status: response.status, text: await response.text(), headers: response.headers } satisfies Answer;
  }
  const post = (api: TestService, key: string | undefined, json: unknown, token = alice) =>
    send(api, 'POST', PATH, { key, token, json });
  const rows = async (title = 'Harbour clean-up') =>
    Number((await db.query('select count(*) from opportunity where title = $1', [title])).rows[0].count);

  it('replays the first answer byte for byte, says it is a replay, and creates one row', async () => {
    const first = await post(one, 'key-1', body());
    expect(first.status).to.equal(201);
    expect(first.headers.get('idempotent-replayed')).to.equal(null);
    const retry = await post(two, 'key-1', body());
    expect(retry.status).to.equal(201);
    expect(retry.text).to.equal(first.text);
    expect(retry.headers.get('idempotent-replayed')).to.equal('true');
    expect(retry.headers.get('location')).to.equal(first.headers.get('location'));
    expect(retry.headers.get('etag')).to.equal('"1"');
    expect(retry.headers.get('content-type')).to.equal(first.headers.get('content-type'));
    expect(await rows()).to.equal(1);
  });

  it('answers 422 idempotency_key_reused for the same key with another body', async () => {
    expect((await post(one, 'key-1', body())).status).to.equal(201);
    const other = await post(one, 'key-1', body('Another title'));
    expect(other.status).to.equal(422);
    expect(other.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(JSON.parse(other.text)).to.include({ code: 'idempotency_key_reused', status: 422 });
    expect(await rows('Another title')).to.equal(0);
  });

  it("keeps users apart: another user's identical key creates their own row", async () => {
    const mine = await post(one, 'shared-key', body());
    const theirs = await post(one, 'shared-key', body(), bob);
    expect(theirs.status).to.equal(201);
    expect(theirs.headers.get('idempotent-replayed')).to.equal(null);
    expect(JSON.parse(theirs.text).id).to.not.equal(JSON.parse(mine.text).id);
    expect(await rows()).to.equal(2);
  });

  it('creates a new row once the key has expired', async () => {
    const first = await post(one, 'key-1', body());
    await db.query(`update idempotency_key set expires_at = now() - interval '1 second'`);
    const later = await post(one, 'key-1', body());
    expect(later.status).to.equal(201);
    expect(later.headers.get('idempotent-replayed')).to.equal(null);
    expect(JSON.parse(later.text).id).to.not.equal(JSON.parse(first.text).id);
    expect(await rows()).to.equal(2);
  });

  it('refuses malformed keys with 400 and does not record invalid bodies', async () => {
    for (const key of ['', 'x'.repeat(256)]) {
      const refused = await post(one, key, body());
      expect(refused.status, JSON.stringify(key)).to.equal(400);
      expect(JSON.parse(refused.text).errors).to.deep.equal([
        { field: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' },
      ]);
    }
    expect((await post(one, 'key-1', { ...body(), title: '' })).status).to.equal(400);
    const fixed = await post(one, 'key-1', body());
    expect(fixed.status).to.equal(201);
    expect(fixed.headers.get('idempotent-replayed')).to.equal(null);
    expect(await rows()).to.equal(1);
  });

  it('10 concurrent POSTs with one key over two instances: one row, 201 or 409 each, then the same 201', async () => {
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, index) => post(index % 2 === 0 ? one : two, 'race-key', body())),
    );
    const created = answers.filter((answer) => answer.status === 201);
    expect(answers.map((answer) => answer.status).every((status) => status === 201 || status === 409)).to.equal(true);
    expect(created.length).to.be.greaterThan(0);
    expect(new Set(created.map((answer) => answer.text)).size).to.equal(1);
    for (const busy of answers.filter((answer) => answer.status === 409)) {
      expect(busy.headers.get('retry-after')).to.equal('1');
      expect(JSON.parse(busy.text).code).to.equal('idempotency_key_in_flight');
    }
    expect(await rows()).to.equal(1);
    const later = await post(two, 'race-key', body());
    expect(later.status).to.equal(201);
    expect(later.text).to.equal(created[0]?.text);
  });

  it('answers 409 with Retry-After on both instances while the first request is in flight', async () => {
    // Park a genuine first request: the key holds an expired record whose row another session
    // has locked, so the request takes the key's lock and then waits to replace the record.
    await post(one, 'slow-key', body('Expired first'));
    await db.query(`update idempotency_key set expires_at = now() - interval '1 second'`);
    const blocker = new pg.Client({ connectionString: await testDatabaseUrl() });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query(`select 1 from idempotency_key where idempotency_key = 'slow-key' for update`);
    const first = post(one, 'slow-key', body());
    try {
      const held = `select 1 from pg_locks where locktype = 'advisory' and granted
        and database = (select oid from pg_database where datname = current_database())`;
      await waitUntil(async () => (await db.query(held)).rowCount === 1, { what: 'the first request to hold the key' });
      const busy = await Promise.all([post(one, 'slow-key', body()), post(two, 'slow-key', body())]);
      for (const answer of busy) {
        expect(answer.status).to.equal(409);
        expect(answer.headers.get('retry-after')).to.equal('1');
        expect(JSON.parse(answer.text).code).to.equal('idempotency_key_in_flight');
      }
    } finally {
      await blocker.query('commit');
      await blocker.end();
    }
    const done = await first;
    expect(done.status).to.equal(201);
    expect((await post(two, 'slow-key', body())).text).to.equal(done.text);
    expect(await rows()).to.equal(1);
  });

  it('replays a PUT whose If-Match became stale because the first attempt succeeded', async () => {
    const { id } = JSON.parse((await post(one, undefined, body())).text) as { id: string };
    const put = () =>
      send(two, 'PUT', `${PATH}/${id}`, {
        key: 'put-key',
        token: alice,
        json: body('Renamed'),
        headers: { 'If-Match': '"1"' },
      });
    const first = await put();
    expect(first.status).to.equal(200);
    const retry = await put();
    expect(retry.status).to.equal(200);
    expect(retry.text).to.equal(first.text);
    expect(retry.headers.get('etag')).to.equal('"2"');
    expect(retry.headers.get('idempotent-replayed')).to.equal('true');
    const stored = await db.query('select version from opportunity where id = $1', [id]);
    expect(stored.rows[0].version).to.equal(2);
  });

  it('replays a DELETE with 204 instead of 404', async () => {
    const { id } = JSON.parse((await post(one, undefined, body())).text) as { id: string };
    const remove = (key?: string) => send(one, 'DELETE', `${PATH}/${id}`, { key, token: alice });
    expect((await remove('delete-key')).status).to.equal(204);
    const retry = await remove('delete-key');
    expect(retry.status).to.equal(204);
    expect(retry.headers.get('idempotent-replayed')).to.equal('true');
    expect((await remove()).status).to.equal(404);
  });

  it('keyed DELETE with If-Match never deletes a PUT that commits after the check: 412, row kept', async () => {
    const { id } = JSON.parse((await post(one, undefined, body())).text) as { id: string };
    // A rival write holds the row, uncommitted: the DELETE reads version 1, passes its If-Match
    // check, and then waits for the row; the rival commits version 2 before the DELETE goes on.
    const rival = new pg.Client({ connectionString: await testDatabaseUrl() });
    await rival.connect();
    let remove: Promise<Answer> | undefined;
    try {
      await rival.query('begin');
      await rival.query(`update opportunity set title = 'Rival', version = 2 where id = $1`, [id]);
      remove = send(one, 'DELETE', `${PATH}/${id}`, { key: 'del-key', token: alice, headers: { 'If-Match': '"1"' } });
      const waiting = `select 1 from pg_stat_activity where datname = current_database()
        and wait_event_type = 'Lock' and query ~ '^delete from "?opportunity"? '`;
      await waitUntil(async () => (await db.query(waiting)).rowCount === 1, { what: 'the DELETE to wait for the row' });
    } finally {
      await rival.query('commit');
      await rival.end();
    }
    const answer = await remove;
    expect(answer.status).to.equal(412);
    expect(answer.headers.get('etag')).to.equal('"2"');
    expect(JSON.parse(answer.text)).to.include({ code: 'version_mismatch', currentVersion: 2 });
    const stored = await db.query('select title, version from opportunity where id = $1', [id]);
    expect(stored.rows[0]).to.deep.equal({ title: 'Rival', version: 2 });
    expect((await db.query('select 1 from idempotency_key')).rowCount, 'nothing recorded').to.equal(0);
    const stale = await send(two, 'DELETE', `${PATH}/${id}`, {
      key: 'del-key',
      token: alice,
      headers: { 'If-Match': '"1"' },
    });
    expect(stale.status, 'a stale If-Match is refused before any write').to.equal(412);
    expect((await db.query('select 1 from opportunity where id = $1', [id])).rowCount).to.equal(1);
  });

  it('purges expired keys on a schedule, and only expired ones', async () => {
    await post(one, 'old-key', body('Old'));
    await post(one, 'fresh-key', body('Fresh'));
    await db.query(
      `update idempotency_key set expires_at = now() - interval '1 second' where idempotency_key = 'old-key'`,
    );
    const purging = await startTestService({ IDEMPOTENCY_PURGE_INTERVAL_SECONDS: '1', RATE_LIMIT_ENABLED: 'false' });
    try {
      const keys = async () => (await db.query('select idempotency_key from idempotency_key')).rows;
      await waitUntil(async () => (await keys()).length === 1, { what: 'one stored key' });
      expect(await keys()).to.deep.equal([{ idempotency_key: 'fresh-key' }]);
    } finally {
      await purging.stop();
    }
  });

  it('lets browsers on an allowed origin send the key and read the replay header (CORS)', async () => {
    const cors = await startTestService({ CORS_ORIGINS: 'https://admin.example.com', RATE_LIMIT_ENABLED: 'false' });
    try {
      const origin = { Origin: 'https://admin.example.com' };
      const preflight = await cors.request(PATH, {
        method: 'OPTIONS',
        headers: { ...origin, 'Access-Control-Request-Method': 'POST' },
      });
      expect(preflight.headers.get('access-control-allow-headers')).to.contain('Idempotency-Key');
      const created = await send(cors, 'POST', PATH, { key: 'cors-key', token: alice, json: body(), headers: origin });
      expect(created.headers.get('access-control-expose-headers')).to.contain('Idempotent-Replayed');
    } finally {
      await cors.stop();
    }
  });

  it('with REQUIRE_IDEMPOTENCY_KEY=true, refuses a POST without a key and still takes one with it', async () => {
    const strict = await startTestService({ REQUIRE_IDEMPOTENCY_KEY: 'true', RATE_LIMIT_ENABLED: 'false' });
    try {
      const refused = await post(strict, undefined, body());
      expect(refused.status).to.equal(400);
      expect(JSON.parse(refused.text).code).to.equal('idempotency_key_required');
      expect(await rows()).to.equal(0);
      expect((await post(strict, 'key-1', body())).status).to.equal(201);
    } finally {
      await strict.stop();
    }
    expect((await post(one, undefined, body())).status).to.equal(201);
  });
});
