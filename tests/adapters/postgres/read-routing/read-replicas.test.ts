import { expect } from 'chai';
import { replicaToolsMissing, StreamingReplicaCluster } from '../../../support/streaming-replica.js';
import { startTestService, type TestService } from '../../../support/test-service.js';

/**
 * Read replicas against a real primary and hot standby (streaming replication). Which server
 * answered is proven by pausing WAL replay on the standby: a row written after the pause exists
 * only on the primary, so a read that misses it was served by the standby.
 */
const DATABASE = 'opportunities';
const PATH = '/api/v1/opportunities';
const MAX_LAG_MS = 4_000;

describe('read replicas (a real streaming standby)', function () {
  this.timeout(120_000);
  let cluster: StreamingReplicaCluster;
  let api: TestService;
  let writer: string;
  let admin: string;

  before(async function () {
    const missing = replicaToolsMissing();
    if (missing) {
      if (process.env.CI) throw new Error(`read replica test cannot run in CI: ${missing}`);
      console.warn(`    !!! SKIPPED: ${missing}`);
      this.skip();
    }
    cluster = await StreamingReplicaCluster.start(DATABASE);
    api = await startTestService({
      DATABASE_URL: cluster.url('primary', DATABASE),
      DATABASE_REPLICA_URLS: cluster.url('standby', DATABASE),
      REPLICA_MAX_LAG_MS: String(MAX_LAG_MS),
      REPLICA_CHECK_INTERVAL_MS: '1000',
      READ_YOUR_WRITES_MS: '60000',
      MIGRATE_ON_START: 'true',
      RATE_LIMIT_ENABLED: 'false',
    });
    writer = await api.tokenFor({ userId: 'replica-writer', role: 'user' });
    admin = await api.tokenFor({ userId: 'replica-admin', role: 'admin' });
  });

  after(async () => {
    await api?.stop();
    await cluster?.destroy();
  });

  it('reports the standby in /health once it has caught up', async () => {
    await eventually(async () =>
      expect((await health()).replicas).to.deep.equal([{ name: 'replica-1', state: 'up', lagMs: 0 }]),
    );
    const body = await health();
    expect(body.status).to.equal('ok');
    expect(JSON.stringify(body)).not.to.contain(String(cluster.standbyPort)); // no URLs (passwords) shown
  });

  it('serves anonymous reads from the standby, writes and the writer’s reads from the primary', async () => {
    const before = await create(writer, 'Written before the pause');
    await eventually(async () => expect(await standbyHas(before)).to.equal(true));
    await cluster.standbyQuery('select pg_wal_replay_pause()', DATABASE);
    try {
      const after = await create(writer, 'Written during the pause');
      expect(await primaryHas(after), 'the write went to the primary').to.equal(true);
      expect(await standbyHas(after)).to.equal(false);

      // Anonymous reads go to the standby: they see the older row, not the new one.
      expect((await api.request(`${PATH}/${before}`)).status).to.equal(200);
      expect((await api.request(`${PATH}/${after}`)).status).to.equal(404);
      const listed = (await (await api.request(`${PATH}?limit=100`)).json()) as { results: { id: string }[] };
      expect(listed.results.map((r) => r.id))
        .to.include(before)
        .and.not.include(after);
      // The writer reads its own write (primary for READ_YOUR_WRITES_MS after writing)…
      expect((await api.request(`${PATH}/${after}`, { token: writer })).status).to.equal(200);
      // The read inside a write (ownership and version check) sees the primary: an admin who never
      // wrote before updates the row the standby does not have yet.
      const update = await api.request(`${PATH}/${after}`, {
        method: 'PUT',
        token: admin,
        headers: { 'if-match': '"1"' },
        json: { title: 'Updated during the pause', description: 'Replica routing.', category: 'testing' },
      });
      expect(update.status).to.equal(200);
      // …and any client may ask for the primary.
      const forced = await api.request(`${PATH}/${after}`, { headers: { 'x-read-consistency': 'primary' } });
      expect(forced.status).to.equal(200);

      // Once the paused standby is further behind than REPLICA_MAX_LAG_MS it is skipped.
      await eventually(
        async () => expect((await health()).replicas?.[0]?.state).to.equal('lagging'),
        MAX_LAG_MS + 5_000,
      );
      expect((await api.request(`${PATH}/${after}`)).status).to.equal(200);
    } finally {
      await cluster.standbyQuery('select pg_wal_replay_resume()', DATABASE);
    }
    await eventually(async () => expect((await health()).replicas?.[0]?.state).to.equal('up'));
  });

  it('falls back to the primary with no failed request when the standby dies, and uses it again once back', async () => {
    const id = await create(writer, 'Survives a standby crash');
    await eventually(async () => expect(await standbyHas(id)).to.equal(true));
    // Reads keep coming while the standby dies, before a check notices: those fail on the standby
    // and must be answered by the primary.
    const statuses: number[] = [];
    let reading = true;
    const reader = (async () => {
      while (reading) statuses.push((await api.request(`${PATH}/${id}`)).status);
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await cluster.killStandby();
    await eventually(async () => expect((await health()).replicas?.[0]).to.include({ state: 'down', lagMs: null }));
    reading = false;
    await reader;
    expect(statuses.length).to.be.greaterThan(5);
    expect(statuses.filter((status) => status !== 200)).to.deep.equal([]);
    const metrics = await (await api.request('/metrics')).text();
    expect(metrics).to.match(/db_replica_up\{replica="replica-1",state="down"\} 0/);
    expect(metrics, 'reads that failed on the dying standby').to.match(
      /db_reads_total\{target="primary",reason="fallback"\} [1-9]/,
    );

    await cluster.startStandby();
    await eventually(async () => expect((await health()).replicas?.[0]?.state).to.equal('up'));
    // Used again: with replay paused, a new row is invisible to anonymous reads.
    await cluster.standbyQuery('select pg_wal_replay_pause()', DATABASE);
    try {
      const unseen = await create(writer, 'Written while the restarted standby is paused');
      expect((await api.request(`${PATH}/${unseen}`)).status).to.equal(404);
    } finally {
      await cluster.standbyQuery('select pg_wal_replay_resume()', DATABASE);
    }
    expect(await (await api.request('/metrics')).text()).to.match(
      /db_reads_total\{target="replica",reason="routed"\} [1-9]/,
    );
  });

  async function health(): Promise<{
    status: string;
    replicas?: { name: string; state: string; lagMs: number | null }[];
  }> {
    return (await (await api.request('/health')).json()) as never;
  }

  async function create(token: string, title: string): Promise<string> {
    const response = await api.request(PATH, {
      method: 'POST',
      token,
      json: { title, description: 'Replica routing.', category: 'testing' },
    });
    expect(response.status).to.equal(201);
    return ((await response.json()) as { id: string }).id;
  }

  async function primaryHas(id: string): Promise<boolean> {
    return (await cluster.primaryQuery(`select 1 from opportunity where id = '${id}'`, DATABASE)).rowCount === 1;
  }

  async function standbyHas(id: string): Promise<boolean> {
    return (await cluster.standbyQuery(`select 1 from opportunity where id = '${id}'`, DATABASE)).rowCount === 1;
  }
});

/** Retries an assertion until it passes or the time is up (replica checks run in the background). */
async function eventually(assertion: () => Promise<unknown>, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
