import { expect } from 'chai';
import pg from 'pg';
import { spawnService, waitUntil } from '../../support/service-process.js';
import { signSimplejwtAccessToken } from '../../support/simplejwt-token.js';
import { freePort, testDatabaseUrl } from '../../support/test-database.js';
import { TEST_SECRET } from '../../support/test-service.js';

describe('Operations: graceful shutdown', function () {
  this.timeout(30_000);

  it('on SIGTERM stops accepting, finishes in-flight requests, closes the database and exits 0', async () => {
    const databaseUrl = await testDatabaseUrl();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const service = spawnService(port, databaseUrl, { SHUTDOWN_TIMEOUT_MS: '15000' });
    const { child } = service;
    const exited = service.exited.then(({ code }) => code);
    const locker = new pg.Client({ connectionString: databaseUrl });
    try {
      await waitUntil(async () => (await fetch(`${base}/health/live`)).ok, 15_000, 'listening');
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
      await new Promise((resolve) => setTimeout(resolve, 500));
      child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 500));

      // No longer accepting new connections, while the in-flight requests are still waiting.
      const refused = await fetch(`${base}/health/live`).then(
        () => false,
        () => true,
      );
      expect(refused, 'new connections refused during shutdown').to.equal(true);
      expect(child.exitCode).to.equal(null);

      await locker.query('commit');
      const [list, created] = await Promise.all(inFlight);
      expect(list?.status).to.equal(200);
      expect(created?.status).to.equal(201);
      expect(await exited, service.stderr()).to.equal(0);

      const stored = await locker.query('select count(*)::int as n from opportunity where title = $1', [title]);
      expect(stored.rows[0].n).to.equal(1);
    } finally {
      await locker.end().catch(() => undefined);
      service.kill();
    }
  });
});
