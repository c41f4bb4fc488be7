import { expect } from 'chai';
import pg from 'pg';
import { skipLoudly } from '../../support/loud-skip.js';
import { type ScratchPrimary, startScratchPrimary } from '../../support/scratch-primary.js';
import { replicaToolsMissing } from '../../support/streaming-replica.js';
import { waitUntil } from '../../support/wait.js';

const PATH = '/api/v1/opportunities';
const APP = 'opp-primary-change';
const DATABASE = 'primary_change';

/**
 * What a changing primary does to the statements of a running service, reproduced one error
 * class at a time on a scratch PostgreSQL 15 (never the shared server): each must answer 503 with
 * Retry-After, never 500, and the connection that saw it must be replaced, not reused.
 */
describe('Operations: every error class of a changing primary answers 503 and replaces the connection', function () {
  this.timeout(120_000);
  let scratch: ScratchPrimary | undefined;

  before(async function () {
    const missing = replicaToolsMissing();
    if (missing) return skipLoudly(this, missing);
    scratch = await startScratchPrimary(
      DATABASE,
      {
        // One pooled connection: the one that saw the error is the one to watch.
        DB_POOL_SIZE: '1',
        DB_CONNECT_TIMEOUT_MS: '1000',
        // These cases are about the answer: no holding while the primary is away.
        DB_FAILOVER_HOLD_MS: '0',
      },
      (cluster) => `${cluster.url('primary', DATABASE)}?application_name=${APP}`,
    );
  });
  after(async () => {
    await scratch?.stop();
  });

  const primary = () => (scratch as ScratchPrimary).cluster;
  const api = { request: (path: string) => (scratch as ScratchPrimary).api.request(path) };
  const logger = () => (scratch as ScratchPrimary).api.logger;
  const sessions = async () =>
    (await primary().primaryQuery(`select pid from pg_stat_activity where application_name = '${APP}'`)).rows.map(
      (row: { pid: number }) => row.pid,
    );
  const post = (title: string, key?: string) => (scratch as ScratchPrimary).post(title, key);
  const expectUnavailable = async (response: Response, what: string) => {
    const text = await response.text();
    expect(response.status, `${what}: ${text}`).to.equal(503);
    expect((JSON.parse(text) as { code: string }).code).to.equal('service_unavailable');
    expect(response.headers.get('retry-after'), what).to.match(/^[1-9]\d*$/);
  };
  const expectNoUnhandledError = () =>
    expect(
      logger()
        .lines.filter((line) => line.level === 'error')
        .map((line) => line.message),
    ).to.deep.equal([]);
  /** The single pooled connection, once a request has opened it. */
  const pooledSession = async () => {
    expect((await api.request(PATH)).status).to.equal(200);
    const pids = await sessions();
    expect(pids).to.have.length(1);
    return pids[0] as number;
  };
  const sessionGone = (pid: number, what: string) =>
    waitUntil(async () => !(await sessions()).includes(pid), { timeoutMs: 5_000, what });

  /** A statement of the service waits for a lock held here, so it is mid-statement on cue. */
  async function withStatementWaiting(
    act: (blockedPid: number, lockerPid: number) => Promise<void>,
    request: () => Promise<Response>,
  ): Promise<Response> {
    const locker = new pg.Client({ connectionString: primary().url('primary', DATABASE) });
    locker.on('error', () => undefined);
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('lock table opportunity in access exclusive mode');
      const lockerPid = ((await locker.query('select pg_backend_pid() as pid')).rows[0] as { pid: number }).pid;
      const pending = request();
      let blocked = 0;
      await waitUntil(
        async () => {
          const { rows } = await primary().primaryQuery(
            `select pid from pg_stat_activity where application_name = '${APP}' and wait_event_type = 'Lock'`,
          );
          blocked = (rows[0] as { pid: number } | undefined)?.pid ?? 0;
          return blocked > 0;
        },
        { what: 'the service statement to wait for the lock' },
      );
      await act(blocked, lockerPid);
      return await pending;
    } finally {
      await locker.end().catch(() => undefined);
    }
  }

  it('25006: a primary turned read-only under the pool (a demoted or fenced node)', async () => {
    expect((await post('Before read-only')).status).to.equal(201);
    const pid = await pooledSession();
    await (scratch as ScratchPrimary).readOnly(true);
    try {
      await expectUnavailable(await post('Refused by a read-only primary'), 'plain create');
      await sessionGone(pid, 'the connection that saw 25006 to be closed');
      await expectUnavailable(await post('Keyed, refused', 'read-only-key-1'), 'keyed create');
      // Reads still work on a read-only server.
      expect((await api.request(PATH)).status).to.equal(200);
      expectNoUnhandledError();
    } finally {
      await (scratch as ScratchPrimary).readOnly(false);
    }
    await waitUntil(async () => (await post('Writable again')).status === 201, { what: 'writes to work again' });
    const { rows } = await primary().primaryQuery(
      "select count(*)::int as n from opportunity where title like 'Refused%' or title like 'Keyed, refused%'",
      DATABASE,
    );
    expect(rows[0].n).to.equal(0);
  });

  it('57P01: the backend running a statement is terminated (a switchover stops the old primary)', async () => {
    const response = await withStatementWaiting(
      async (blocked) => {
        await primary().primaryQuery(`select pg_terminate_backend(${blocked})`);
      },
      () => post('Terminated mid-statement'),
    );
    await expectUnavailable(response, 'create cut by 57P01');
    expectNoUnhandledError();
    expect((await post('After 57P01')).status).to.equal(201);
  });

  it('57P02 then 57P03 or refused connections: another backend crashes and the server restarts', async () => {
    const response = await withStatementWaiting(
      async (_blocked, lockerPid) => {
        // A backend killed by the kernel: the postmaster ends every session and recovers.
        process.kill(lockerPid, 'SIGKILL');
      },
      () => post('Crash mid-statement'),
    );
    await expectUnavailable(response, 'create cut by the crash');
    const statuses: number[] = [];
    await waitUntil(
      async () => {
        const answer = await post('After the crash');
        statuses.push(answer.status);
        return answer.status === 201;
      },
      { timeoutMs: 20_000, intervalMs: 50, what: 'writes after crash recovery' },
    );
    expect(statuses.filter((status) => status !== 201 && status !== 503)).to.deep.equal([]);
    expectNoUnhandledError();
  });

  it('57P03: the server is shutting down and refuses the new connection', async () => {
    const pid = await pooledSession();
    // A session that keeps a smart shutdown waiting, as a long maintenance stop would.
    const holder = new pg.Client({ connectionString: primary().url('primary', DATABASE) });
    holder.on('error', () => undefined);
    await holder.connect();
    await primary().primaryQuery(`select pg_terminate_backend(${pid})`);
    await sessionGone(pid, 'the pooled connection to end');
    await primary().stopPrimary('smart', false);
    try {
      await waitUntil(
        async () => {
          const refused = new pg.Client({ connectionString: primary().url('primary', 'postgres') });
          try {
            await refused.connect();
            await refused.end();
            return false;
          } catch (error) {
            return (error as { code?: string }).code === '57P03';
          }
        },
        { what: 'the server to refuse new connections with 57P03' },
      );
      await expectUnavailable(await api.request(PATH), 'list while shutting down');
      await expectUnavailable(await post('While shutting down'), 'create while shutting down');
      expectNoUnhandledError();
    } finally {
      await holder.end().catch(() => undefined);
    }
    // Refused connections (57P03) do not mean it is down: wait for the postmaster itself to exit,
    // or the restart below finds it still running (seen under load).
    await waitUntil(async () => primary().primaryStopped(), { what: 'the server to finish its shutdown' });
    // 08001 / ECONNREFUSED while it is down.
    await expectUnavailable(await api.request(PATH), 'list while stopped');
    await primary().startPrimary();
    await waitUntil(async () => (await post('After the restart')).status === 201, { what: 'writes after the restart' });
  });
});
