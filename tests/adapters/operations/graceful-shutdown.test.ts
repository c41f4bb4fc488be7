import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import pg from 'pg';
import { spawnService } from '../../support/service-process.js';
import { signSimplejwtAccessToken } from '../../support/simplejwt-token.js';
import { freePort, testDatabaseUrl } from '../../support/test-database.js';
import { TEST_SECRET } from '../../support/test-service.js';
import { waitUntil } from '../../support/wait.js';

describe('Operations: graceful shutdown', function () {
  this.timeout(30_000);

  it('on SIGTERM stops accepting, finishes in-flight requests, closes the database and exits 0', async () => {
    const databaseUrl = await testDatabaseUrl();
    // The service's sessions carry this name, so pg_stat_activity shows exactly its connections.
    const applicationName = `shutdown-test-${randomBytes(4).toString('hex')}`;
    const serviceUrl = new URL(databaseUrl);
    serviceUrl.searchParams.set('application_name', applicationName);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // The exit gate holds process.exit() until the test has looked at what the process left open.
    const service = spawnService(
      port,
      serviceUrl.toString(),
      { SHUTDOWN_TIMEOUT_MS: '15000' },
      { imports: ['./tests/support/exit-gate.mjs'], stdin: true },
    );
    const { child } = service;
    const exited = service.exited.then(({ code }) => code);
    const observer = new pg.Client({ connectionString: databaseUrl });
    const locker = new pg.Client({ connectionString: databaseUrl });
    const sessions = async (where = 'true'): Promise<number> => {
      const result = await observer.query(
        `select count(*)::int as n from pg_stat_activity where application_name = $1 and ${where}`,
        [applicationName],
      );
      return result.rows[0].n as number;
    };
    try {
      await observer.connect();
      await waitUntil(async () => (await fetch(`${base}/health/live`)).ok, {
        timeoutMs: 15_000,
        what: 'the service to listen',
      });
      const token = await signSimplejwtAccessToken(TEST_SECRET, { userId: 'shutdown-user' });

      // Hold the table so the next requests stay in flight inside the service.
      await locker.connect();
      await locker.query('begin');
      await locker.query('lock table opportunity in access exclusive mode');
      const title = `Written during shutdown ${Date.now()}`;
      const inFlight = [
        fetch(`${base}/api/v1/opportunities?limit=1`),
        fetch(`${base}/api/v1/opportunities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ title, description: 'Must not be lost.', category: 'tests' }),
        }),
      ];
      await waitUntil(async () => (await sessions(`wait_event_type = 'Lock'`)) === 2, {
        what: 'both requests to wait for the table lock inside the service',
      });
      child.kill('SIGTERM');
      await waitUntil(
        () =>
          fetch(`${base}/health/live`).then(
            () => false,
            () => true,
          ),
        { what: 'the service to refuse new connections' },
      );
      expect(child.exitCode, 'still running while requests are in flight').to.equal(null);

      await locker.query('commit');
      const [list, created] = await Promise.all(inFlight);
      expect(list?.status).to.equal(200);
      expect(created?.status).to.equal(201);

      // The process asked to exit: by then it must have closed every database session itself.
      await waitUntil(() => service.stderr().includes('exit-gate: exit(0) held'), {
        what: 'the process to call exit(0)',
      });
      await waitUntil(async () => (await sessions()) === 0, {
        timeoutMs: 2_000,
        what: `no session named ${applicationName} left in pg_stat_activity at exit`,
      });
      child.stdin?.end('exit\n');
      expect(await exited, service.stderr()).to.equal(0);

      const stored = await locker.query('select count(*)::int as n from opportunity where title = $1', [title]);
      expect(stored.rows[0].n).to.equal(1);
    } finally {
      await locker.end().catch(() => undefined);
      await observer.end().catch(() => undefined);
      service.kill();
      await service.exited;
    }
  });
});
