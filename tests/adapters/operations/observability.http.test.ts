import { expect } from 'chai';
import { startCountingProxy } from '../../support/counting-proxy.js';
import { rejection } from '../../support/rejection.js';
import { testDatabaseUrl } from '../../support/test-database.js';
import { startTestService, TEST_SECRET } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';

describe('Operations: logs, metrics, health and HTTP hardening', () => {
  it('writes one access-log line per request, with the request id and never the Authorization header', async () => {
    const api = await startTestService();
    try {
      const token = await api.tokenFor({ userId: 'logged-user' });
      await api.request(`${PATH}?limit=1`, { token, headers: { 'x-request-id': 'access-log-1' } });
      const lines = api.logger.lines.filter(
        (line) => line.message === 'request' && line.fields.requestId === 'access-log-1',
      );
      expect(lines).to.have.length(1);
      expect(lines[0]?.fields).to.deep.include({ method: 'GET', route: PATH, status: 200 });
      expect(lines[0]?.fields.durationMs).to.be.a('number');
      const logged = api.logger.text();
      expect(logged).to.not.contain(token.split('.')[1]);
      expect(logged).to.not.contain(token.split('.')[2]);
      expect(logged).to.not.contain(TEST_SECRET);
    } finally {
      await api.stop();
    }
  });

  it('serves Prometheus metrics: requests by route and status, auth failures, pool and process', async () => {
    const api = await startTestService();
    try {
      await api.request(`${PATH}/00000000-0000-4000-8000-000000000000`);
      await api.request(PATH, { headers: { authorization: 'Bearer nonsense' } });
      const response = await api.request('/metrics');
      expect(response.status).to.equal(200);
      expect(response.headers.get('content-type')).to.contain('text/plain');
      const text = await response.text();
      expect(text).to.match(/http_requests_total\{method="GET",route="\/api\/v1\/opportunities\/:id",status="404"\} 1/);
      expect(text).to.match(/http_request_duration_seconds_bucket\{[^}]*route="\/api\/v1\/opportunities\/:id"/);
      expect(text).to.match(/auth_failures_total\{reason="malformed"\} 1/);
      expect(text).to.match(/db_pool_connections\{state="total"\} \d+/);
      expect(text).to.contain('process_resident_memory_bytes');
    } finally {
      await api.stop();
    }
  });

  it('serves metrics on a separate port when METRICS_PORT is set, or not at all when disabled', async () => {
    const { freePort } = await import('../../support/test-database.js');
    const port = await freePort();
    const api = await startTestService({ METRICS_PORT: String(port) });
    try {
      expect((await api.request('/metrics')).status).to.equal(404);
      const metrics = await fetch(`${api.service.metricsUrl as string}/metrics`);
      expect(metrics.status).to.equal(200);
      expect(await metrics.text()).to.contain('http_requests_total');
    } finally {
      await api.stop();
    }
    const disabled = await startTestService({ METRICS_ENABLED: 'false' });
    try {
      expect((await disabled.request('/metrics')).status).to.equal(404);
    } finally {
      await disabled.stop();
    }
  });

  it('answers liveness without touching the database, and readiness with it', async () => {
    // Every byte the service sends PostgreSQL goes through the proxy, which counts them.
    const proxy = await startCountingProxy(await testDatabaseUrl());
    const api = await startTestService({ DATABASE_URL: proxy.via(await testDatabaseUrl()) });
    try {
      expect(await (await api.request('/health')).json()).to.deep.equal({ status: 'ok', database: 'up' });
      const afterReadiness = proxy.bytesToServer();
      expect(afterReadiness, 'readiness queried the database through the proxy').to.be.above(0);
      for (let i = 0; i < 5; i += 1) {
        const live = await api.request('/health/live');
        expect(live.status).to.equal(200);
        expect(await live.json()).to.deep.equal({ status: 'ok' });
      }
      expect(proxy.bytesToServer(), 'bytes sent to the database by five liveness probes').to.equal(afterReadiness);
      await api.request('/health');
      expect(proxy.bytesToServer(), 'the next readiness probe').to.be.above(afterReadiness);
    } finally {
      await api.stop();
      await proxy.close();
    }
  });

  it('sets security headers, and CORS only for configured origins', async () => {
    const closed = await startTestService();
    try {
      const response = await closed.request(PATH, { headers: { origin: 'https://app.example.com' } });
      expect(response.headers.get('cache-control')).to.equal('no-store');
      expect(response.headers.get('access-control-allow-origin')).to.equal(null);
      // Every kind of answer carries them: a page, a routing 404, a refused token, a bad id.
      const answers = [
        response,
        await closed.request('/no/such/endpoint'),
        await closed.request(PATH, { headers: { authorization: 'Bearer not.a.token' } }),
        await closed.request(`${PATH}/not-a-uuid`),
      ];
      expect(answers.map((answer) => answer.status)).to.deep.equal([200, 404, 401, 400]);
      for (const answer of answers) {
        expect(answer.headers.get('x-content-type-options')).to.equal('nosniff');
        expect(answer.headers.get('x-frame-options')).to.equal('DENY');
        expect(answer.headers.get('content-security-policy')).to.equal("default-src 'none'; frame-ancestors 'none'");
        expect(answer.headers.get('referrer-policy')).to.equal('no-referrer');
        expect(answer.headers.get('cross-origin-resource-policy')).to.equal('same-origin');
        expect(answer.headers.get('cache-control')).to.equal('no-store');
        expect(answer.headers.get('x-request-id')).to.match(/^[\w-]{36}$/);
        expect(answer.headers.get('strict-transport-security'), 'no HSTS over plain HTTP').to.equal(null);
      }
    } finally {
      await closed.stop();
    }
    const open = await startTestService({ CORS_ORIGINS: 'https://app.example.com' });
    try {
      const preflight = await open.request(PATH, {
        method: 'OPTIONS',
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).to.equal(204);
      expect(preflight.headers.get('access-control-allow-origin')).to.equal('https://app.example.com');
      expect(preflight.headers.get('access-control-allow-headers')).to.contain('Authorization');
      // Browser clients ask for primary reads with it (read-your-writes across instances).
      expect(preflight.headers.get('access-control-allow-headers')).to.contain('X-Read-Consistency');
      const other = await open.request(PATH, { headers: { origin: 'https://evil.example.com' } });
      expect(other.headers.get('access-control-allow-origin')).to.equal(null);
    } finally {
      await open.stop();
    }
  });

  it('configures server timeouts and the database statement timeout', async () => {
    const api = await startTestService({
      REQUEST_TIMEOUT_MS: '12000',
      HEADERS_TIMEOUT_MS: '4000',
      DB_STATEMENT_TIMEOUT_MS: '1234',
    });
    try {
      expect(api.service.server.requestTimeout).to.equal(12_000);
      expect(api.service.server.headersTimeout).to.equal(4_000);
      const rows = await api.service.orm.em.fork().execute<{ statement_timeout: string }[]>('show statement_timeout');
      expect(rows[0]?.statement_timeout).to.equal('1234ms');
      const started = Date.now();
      const error = await rejection(api.service.orm.em.fork().execute('select pg_sleep(3)'), 'a 3 s query');
      expect(Date.now() - started).to.be.below(2_500);
      // 57014 query_canceled: PostgreSQL's statement timeout, not a lost connection or any other failure.
      expect(error).to.have.property('code', '57014');
      expect((error as Error).message).to.contain('statement timeout');
    } finally {
      await api.stop();
    }
  });
});
