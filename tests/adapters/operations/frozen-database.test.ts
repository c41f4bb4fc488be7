import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  type EmbeddedDatabase,
  startEmbeddedDatabase,
} from '../../../src/adapters/embedded-postgres/embedded-database.js';
import { freezeCluster } from '../../support/frozen-postgres.js';
import { freePort } from '../../support/test-database.js';
import { startTestService, type TestService } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';
const post = { title: 'Freeze test', description: 'Survives a frozen database.', category: 'tests' };
const CONNECT_TIMEOUT_MS = 800;
const QUERY_TIMEOUT_MS = 1_200;
/** Connections that cannot be had are tried again for this long (the failover hold). */
const HOLD_MS = 1_000;
/** The hold, then one database call waiting for a connection, then for its query; plus slack. */
const BOUND_MS = HOLD_MS + CONNECT_TIMEOUT_MS + QUERY_TIMEOUT_MS + 1_000;

describe('Operations: a frozen PostgreSQL (SIGSTOP) does not freeze the service', function () {
  this.timeout(60_000);
  let dataDir: string;
  let database: EmbeddedDatabase | undefined;
  let api: TestService | undefined;
  let thaw: (() => void) | undefined;

  before(async () => {
    // A throwaway cluster of this test's own: never the shared server.
    dataDir = await mkdtemp(path.join(tmpdir(), 'opportunities-freeze-'));
    database = await startEmbeddedDatabase({ dataDir, port: await freePort(), database: 'freeze' });
    api = await startTestService({
      DATABASE_URL: database.url,
      MIGRATE_ON_START: 'true',
      DB_POOL_SIZE: '4',
      DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
      DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
      DB_FAILOVER_HOLD_MS: String(HOLD_MS),
      DB_STATEMENT_TIMEOUT_MS: '1000',
      RATE_LIMIT_WRITES: '100000',
    });
  });
  after(async () => {
    thaw?.();
    await api?.stop().catch(() => undefined);
    await database?.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers every request 503 + Retry-After within the bound, reports not ready, and recovers on thaw', async () => {
    const service = api as TestService;
    const token = await service.tokenFor({ userId: 'freeze-user' });
    const created = await service.request(PATH, { method: 'POST', token, json: post });
    expect(created.status).to.equal(201);
    const { id } = (await created.json()) as { id: string };
    // Warm the pool so frozen connections are held, not just refused.
    await Promise.all(Array.from({ length: 8 }, () => service.request(`${PATH}/${id}`)));

    thaw = await freezeCluster(path.join(dataDir, 'postgres'));
    const requests = [
      ...Array.from({ length: 10 }, () => () => service.request(`${PATH}/${id}`)),
      () => service.request(PATH),
      () => service.request(`${PATH}/search?q=freeze`),
      () => service.request(PATH, { method: 'POST', token, json: post }),
      () => service.request(`${PATH}/${id}`, { method: 'PUT', token, json: post }),
      () => service.request(`${PATH}/${id}`, { method: 'DELETE', token }),
    ];
    const started = Date.now();
    const outcomes = await Promise.all(
      requests.map(async (send) => {
        const response = await send();
        const body = (await response.json()) as { code?: string };
        return {
          status: response.status,
          code: body.code,
          retryAfter: response.headers.get('retry-after'),
          ms: Date.now() - started,
        };
      }),
    );
    for (const outcome of outcomes) {
      expect(outcome.status, JSON.stringify(outcome)).to.equal(503);
      expect(outcome.code).to.equal('service_unavailable');
      expect(outcome.retryAfter).to.match(/^\d+$/);
      expect(outcome.ms, JSON.stringify(outcome)).to.be.below(BOUND_MS);
    }
    console.info(
      `      frozen database: slowest of ${outcomes.length} answers ${Math.max(...outcomes.map((o) => o.ms))} ms`,
    );
    const healthStarted = Date.now();
    const health = await service.request('/health');
    expect(health.status).to.equal(503);
    expect(Date.now() - healthStarted).to.be.below(BOUND_MS);
    expect((await service.request('/health/live')).status).to.equal(200);

    thaw();
    thaw = undefined;
    const deadline = Date.now() + 15_000;
    let status = 0;
    while (Date.now() < deadline && status !== 200) {
      status = (await service.request(`${PATH}/${id}`)).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).to.equal(200);
    expect((await service.request('/health')).status).to.equal(200);
    expect((await service.request(PATH, { method: 'POST', token, json: post })).status).to.equal(201);
  });
});
