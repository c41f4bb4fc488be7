import { expect } from 'chai';
import { type Outcome, FailoverLoad, PLAIN_CLASSES, percentile, statusesByClass } from '../support/failover-load.js';
import { skipLoudly } from '../support/loud-skip.js';
import { PatroniCluster, patroniMissing } from '../support/patroni-cluster.js';
import { startTestService, type TestService } from '../support/test-service.js';
import { waitUntil } from '../support/wait.js';

const DATABASE = 'failover';
/** Clients per request class (plain create, keyed create, get by id, list): 20 in all. */
const WORKERS = 5;
/** Clients using the typed client (one reading, one creating, each). */
const TYPED_WORKERS = 3;

/**
 * The service through a Patroni failover, as deployed: two PostgreSQL 15 nodes (synchronous_mode),
 * etcd, HAProxy sending writes to Patroni's /primary and reads to /replica, 20 clients that never
 * retry plus typed clients that do. A planned switchover must fail no request; a kill -9 of the
 * leader must answer no 500, lose no acknowledged create, and fail no typed-client call.
 */
describe('Failover: a Patroni cluster under load (switchover, kill -9 of the leader)', function () {
  this.timeout(300_000);
  let cluster: PatroniCluster | undefined;
  let api: TestService;
  let token: string;
  const seedIds: string[] = [];

  before(async function () {
    const missing = patroniMissing();
    if (missing) return skipLoudly(this, missing);
    cluster = await PatroniCluster.start();
    await cluster.query(`create database ${DATABASE}`);
    api = await startTestService({
      DATABASE_URL: cluster.url('primary', DATABASE),
      DATABASE_REPLICA_URLS: cluster.url('replica', DATABASE),
      MIGRATE_ON_START: 'true',
      RATE_LIMIT_ENABLED: 'false',
    });
    token = await api.tokenFor({ userId: 'failover-user', lifetimeSeconds: 900 });
    for (let i = 0; i < 20; i += 1) {
      const response = await api.request('/api/v1/opportunities', {
        method: 'POST',
        token,
        json: { title: `seed ${i}`, description: 'Read during the failover.', category: 'failover' },
      });
      seedIds.push(((await response.json()) as { id: string }).id);
    }
  });
  after(async () => {
    await api?.stop().catch(() => undefined);
    await cluster?.destroy();
  });

  const servers = () => cluster as PatroniCluster;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Every acknowledged create is stored exactly once; no create is stored twice. */
  async function expectCreatesExactlyOnce(outcomes: readonly Outcome[], tag: string): Promise<void> {
    const { rows } = await servers().query(
      `select title, count(*)::int as n, min(id::text) as id from opportunity where title like '${tag} %' group by title`,
      DATABASE,
    );
    const stored = new Map(rows.map((row: { title: string; n: number; id: string }) => [row.title, row]));
    const acknowledged = outcomes.filter((o) => o.status === 201);
    const lost = acknowledged.filter((o) => stored.get(o.title as string)?.id !== o.id);
    expect(
      lost.map((o) => o.title),
      'acknowledged creates lost',
    ).to.deep.equal([]);
    const twice = rows.filter((row: { n: number }) => row.n > 1).map((row: { title: string }) => row.title);
    expect(twice, 'creates stored twice').to.deep.equal([]);
  }

  it('a planned switchover (patronictl switchover): no request fails, nothing is lost', async () => {
    const load = new FailoverLoad(api.url, token, seedIds, 'switchover');
    load.start(WORKERS);
    await pause(2_000);
    const switchedAt = Date.now();
    const newLeader = await servers().switchover();
    await waitUntil(async () => (await servers().leader()) === newLeader, {
      timeoutMs: 30_000,
      what: 'the new leader',
    });
    await pause(3_000);
    const outcomes = await load.stop();
    const during = outcomes.filter((o) => o.endedAt >= switchedAt && o.startedAt <= switchedAt + 5_000);
    const figures = {
      requests: outcomes.length,
      statuses: statusesByClass(outcomes),
      p99DuringMs: percentile(during, 99),
      p99AfterMs: percentile(
        outcomes.filter((o) => o.startedAt > switchedAt + 5_000),
        99,
      ),
      maxMs: percentile(outcomes, 100),
    };
    console.info(`      switchover: ${JSON.stringify(figures)}`);
    const failed = outcomes.filter((o) => o.status < 200 || o.status >= 300);
    expect(failed.length, `failed requests: ${JSON.stringify(statusesByClass(failed))}`).to.equal(0);
    for (const kind of PLAIN_CLASSES) expect(outcomes.some((o) => o.kind === kind)).to.equal(true);
    await expectCreatesExactlyOnce(outcomes, 'switchover');
    // The old leader follows the new one before the next case kills the leader.
    await servers().waitHealthy(90_000);
  });

  it('kill -9 of the leader: no 500, no acknowledged create lost, no failed typed-client call', async () => {
    const load = new FailoverLoad(api.url, token, seedIds, 'kill');
    load.start(WORKERS, TYPED_WORKERS);
    await pause(2_000);
    const killedAt = Date.now();
    const killed = await servers().killLeader();
    await waitUntil(async () => ![undefined, killed].includes(await servers().leader()), {
      timeoutMs: 60_000,
      intervalMs: 200,
      what: 'the standby to take the lead',
    });
    // Writes are back when creates stop failing or waiting: the first success after the last
    // create that failed or took over a second.
    const creates = () => load.outcomes.filter((o) => o.kind === 'plain create' && o.startedAt > killedAt);
    const troubled = (o: Outcome) => o.status !== 201 || o.endedAt - o.startedAt > 1_000;
    await waitUntil(
      () => {
        const list = creates();
        const lastBad = Math.max(killedAt, ...list.filter(troubled).map((o) => o.startedAt));
        return list.some((o) => o.startedAt > lastBad && !troubled(o));
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'creates to succeed promptly again' },
    );
    const lastBad = Math.max(
      killedAt,
      ...creates()
        .filter(troubled)
        .map((o) => o.startedAt),
    );
    const writesBackMs =
      Math.min(
        ...creates()
          .filter((o) => o.startedAt > lastBad && !troubled(o))
          .map((o) => o.endedAt),
      ) - killedAt;
    await pause(5_000);
    const outcomes = await load.stop();
    const backAt = killedAt + writesBackMs;
    const plain = outcomes.filter((o) => PLAIN_CLASSES.includes(o.kind));
    const figures = {
      killed,
      writesBackMs,
      requests: outcomes.length,
      statuses: statusesByClass(outcomes),
      p99DuringMs: percentile(
        plain.filter((o) => o.endedAt >= killedAt && o.startedAt <= backAt),
        99,
      ),
      p99AfterMs: percentile(
        plain.filter((o) => o.startedAt > backAt + 1_000),
        99,
      ),
      maxMs: percentile(plain, 100),
    };
    console.info(`      kill -9: ${JSON.stringify(figures)}`);
    expect(
      outcomes.filter((o) => o.status >= 500 && o.status !== 503),
      'answers other than 503 among 5xx',
    ).to.deep.equal([]);
    expect(
      plain.filter((o) => o.status !== 503 && (o.status < 200 || o.status >= 300)).map((o) => o.status),
      'failures other than 503',
    ).to.deep.equal([]);
    const typed = outcomes.filter((o) => o.kind === 'client read' || o.kind === 'client create');
    const typedFailed = typed
      .filter((o) => o.status < 200 || o.status >= 300)
      .map((o) => `${o.kind} ${o.status} sent at +${o.startedAt - killedAt} ms, took ${o.endedAt - o.startedAt} ms`);
    expect(typedFailed.length, `failed typed-client calls: ${typedFailed.join('; ')}`).to.equal(0);
    expect(typed.some((o) => o.kind === 'client create' && o.startedAt > killedAt && o.startedAt < backAt)).to.equal(
      true,
    );
    expect(writesBackMs).to.be.below(30_000);
    await expectCreatesExactlyOnce(outcomes, 'kill');
    await servers().restart(killed);
  });
});
