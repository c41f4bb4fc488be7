import { expect } from 'chai';
import { rawRequest } from '../../support/raw-http.js';
import { freePort } from '../../support/test-database.js';
import { startTestService, type TestService } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';
const post = { title: 'Link test', description: 'For page links.', category: 'tests' };

interface PageJson {
  next: string | null;
}

describe('HTTP: headers that must not be trusted', () => {
  let api: TestService;
  let published: TestService;

  before(async () => {
    api = await startTestService({ RATE_LIMIT_WRITES: '100000' });
    published = await startTestService({ PUBLIC_URL: 'https://api.example.com/' });
    await api.truncate();
    const token = await api.tokenFor({ userId: 'links-user' });
    for (let index = 0; index < 3; index += 1) {
      expect((await api.request(PATH, { method: 'POST', token, json: post })).status).to.equal(201);
    }
  });
  after(async () => {
    await api.stop();
    await published.stop();
  });

  const get = (service: TestService, target: string, hosts: string[]) =>
    rawRequest(
      service.url,
      `GET ${target} HTTP/1.1\r\n${hosts.map((host) => `Host: ${host}\r\n`).join('')}Connection: close\r\n\r\n`,
    );

  it('builds relative page links without PUBLIC_URL, whatever Host or absolute-form target is sent', async () => {
    for (const target of [`${PATH}?limit=1`, `http://evil.example${PATH}?limit=1`]) {
      const response = await get(api, target, ['evil.example']);
      expect(response.status).to.equal(200);
      const next = (JSON.parse(response.body) as PageJson).next as string;
      expect(next).to.match(/^\/api\/v1\/opportunities\?limit=1&cursor=[\w-]+$/);
      expect(response.body).to.not.contain('evil');
    }
  });

  it('builds absolute page links on PUBLIC_URL only', async () => {
    const response = await get(published, `http://evil.example${PATH}?limit=1&category=tests`, ['evil.example']);
    const next = (JSON.parse(response.body) as PageJson).next as string;
    expect(next).to.match(/^https:\/\/api\.example\.com\/api\/v1\/opportunities\?limit=1&category=tests&cursor=/);
  });

  it('refuses a request with two Host headers with 400', async () => {
    const response = await get(api, `${PATH}?limit=1`, ['api.example.com', 'evil.example']);
    expect(response.status).to.equal(400);
    expect(JSON.parse(response.body)).to.include({ code: 'duplicate_host', status: 400 });
    expect((await get(api, '/health/live', ['a.example', 'b.example'])).status).to.equal(400);
  });

  it('serves /metrics only with the bearer token when METRICS_TOKEN is set', async () => {
    const guarded = await startTestService({ METRICS_TOKEN: 'metrics-scrape-token' });
    try {
      const refused = await guarded.request('/metrics');
      expect(refused.status).to.equal(401);
      expect(await refused.text()).to.not.contain('http_requests_total');
      expect((await guarded.request('/metrics', { headers: { authorization: 'Bearer wrong' } })).status).to.equal(401);
      const scraped = await guarded.request('/metrics', { headers: { authorization: 'Bearer metrics-scrape-token' } });
      expect(scraped.status).to.equal(200);
      expect(await scraped.text()).to.contain('http_requests_total');
    } finally {
      await guarded.stop();
    }
    const separate = await startTestService({ METRICS_PORT: String(await freePort()), METRICS_TOKEN: 'other-token' });
    try {
      const url = `${separate.service.metricsUrl as string}/metrics`;
      const refused = await fetch(url);
      expect(refused.status).to.equal(401);
      expect(refused.headers.get('www-authenticate'), 'refused alike on both ports').to.equal('Bearer realm="metrics"');
      expect(await refused.json()).to.deep.include({ status: 401, code: 'not_authenticated' });
      expect((await fetch(url, { headers: { authorization: 'Bearer other-token' } })).status).to.equal(200);
      expect((await fetch(url.replace('/metrics', '/health'))).status, 'nothing else on that port').to.equal(404);
    } finally {
      await separate.stop();
    }
  });

  it('behind a trusted proxy: the last X-Forwarded-For entry is the client, and HSTS only over HTTPS', async () => {
    const proxied = await startTestService({ TRUST_PROXY: 'true' });
    try {
      const headers = { 'x-forwarded-for': '203.0.113.9, 198.51.100.7', 'x-forwarded-proto': 'https' };
      const secure = await proxied.request(`${PATH}?limit=1`, { headers: { ...headers, 'x-request-id': 'proxied-1' } });
      expect(secure.headers.get('strict-transport-security')).to.equal('max-age=31536000');
      const line = proxied.logger.lines.find((entry) => entry.fields.requestId === 'proxied-1');
      expect(line?.fields.clientIp, 'the left entry is whatever the client sent').to.equal('198.51.100.7');
      const plain = await proxied.request(`${PATH}?limit=1`, { headers: { 'x-forwarded-for': '198.51.100.7' } });
      expect(plain.headers.get('strict-transport-security')).to.equal(null);
    } finally {
      await proxied.stop();
    }
    const direct = await api.request(`${PATH}?limit=1`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(direct.headers.get('strict-transport-security'), 'X-Forwarded-Proto ignored without TRUST_PROXY').to.equal(
      null,
    );
  });

  it('answers 429 to an address that keeps sending refused tokens, and still lets valid tokens through', async () => {
    const limited = await startTestService({ RATE_LIMIT_AUTH_FAILURES: '5', RATE_LIMIT_WINDOW_SECONDS: '60' });
    try {
      const forged = `${await limited.tokenFor({ userId: 'sprayer' })}x`;
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 8; attempt += 1) {
        const response = await limited.request(`${PATH}?limit=1`, { token: forged });
        statuses.push(response.status);
        if (response.status === 429) {
          expect(response.headers.get('retry-after')).to.match(/^\d+$/);
          expect(((await response.json()) as { code: string }).code).to.equal('rate_limited');
        }
      }
      expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 429, 429, 429]);
      const expired = await limited.tokenFor({ userId: 'sprayer', issuedAt: 1_000_000, lifetimeSeconds: 60 });
      expect((await limited.request(PATH, { token: expired })).status).to.equal(429);
      const valid = await limited.tokenFor({ userId: 'honest-neighbour' });
      expect((await limited.request(`${PATH}?limit=1`, { token: valid })).status).to.equal(200);
    } finally {
      await limited.stop();
    }
  });
});
