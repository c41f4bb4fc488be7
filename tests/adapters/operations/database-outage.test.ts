import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import {
  type EmbeddedDatabase,
  startEmbeddedDatabase,
} from '../../../src/adapters/embedded-postgres/embedded-database.js';
import { freePort } from '../../support/test-database.js';
import { startTestService, type TestService } from '../../support/test-service.js';
import { waitUntil } from '../../support/wait.js';

const PATH = '/api/v1/opportunities';
/** Requests wait this long for the database to come back before answering 503. */
const HOLD_MS = 1_000;
const post = { title: 'Outage test', description: 'Survives a database restart.', category: 'tests' };

async function timed(request: Promise<Response>): Promise<{ status: number; ms: number; code?: string }> {
  const started = Date.now();
  const response = await request;
  const body = (await response.json()) as { code?: string };
  return { status: response.status, ms: Date.now() - started, ...(body.code ? { code: body.code } : {}) };
}

describe('Operations: the database goes away and comes back', function () {
  this.timeout(60_000);
  let dataDir: string;
  let port: number;
  let database: EmbeddedDatabase | undefined;
  let api: TestService | undefined;

  const startDatabase = async () => {
    database = await startEmbeddedDatabase({ dataDir, port, database: 'outage' });
    return database;
  };

  before(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'opportunities-outage-'));
    port = await freePort();
    const { url } = await startDatabase();
    api = await startTestService({
      DATABASE_URL: url,
      MIGRATE_ON_START: 'true',
      DB_CONNECT_TIMEOUT_MS: '1000',
      DB_FAILOVER_HOLD_MS: String(HOLD_MS),
    });
  });
  after(async () => {
    await api?.stop().catch(() => undefined);
    await database?.stop().catch(() => undefined);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 503 quickly while it is down, says so in /health, and recovers by itself', async () => {
    const service = api as TestService;
    const token = await service.tokenFor({ userId: 'outage-user' });
    const created = await service.request(PATH, { method: 'POST', token, json: post });
    expect(created.status).to.equal(201);
    const { id } = (await created.json()) as { id: string };

    await database?.stop();
    database = undefined;

    for (const request of [
      service.request(`${PATH}/${id}`),
      service.request(PATH),
      service.request(PATH, { method: 'POST', token, json: post }),
    ]) {
      const outcome = await timed(request);
      expect(outcome.status, JSON.stringify(outcome)).to.equal(503);
      expect(outcome.code).to.equal('service_unavailable');
      expect(outcome.ms).to.be.below(HOLD_MS + 3_000);
    }
    const health = await service.request('/health');
    expect(health.status).to.equal(503);
    expect(await health.json()).to.deep.equal({ status: 'error', database: 'down' });
    expect((await service.request('/health/live')).status).to.equal(200);

    await startDatabase();
    await waitUntil(async () => (await service.request(`${PATH}/${id}`)).status === 200, {
      timeoutMs: 15_000,
      intervalMs: 250,
      what: 'reads to work again once the database is back',
    });
    expect((await service.request('/health')).status).to.equal(200);
    expect((await service.request(PATH, { method: 'POST', token, json: post })).status).to.equal(201);
  });
});
