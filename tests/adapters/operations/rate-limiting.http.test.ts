import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { skipLoudly } from '../../support/loud-skip.js';
import { REDIS_MISSING, redisAnswers } from '../../support/redis.js';
import { startTestService, type TestService } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';
const post = { title: 'Rate limited', description: 'Posted in a loop.', category: 'tests' };

describe('Operations: rate limiting', () => {
  describe('in memory (single instance)', () => {
    let api: TestService;
    before(async () => {
      api = await startTestService({ RATE_LIMIT_READS: '3', RATE_LIMIT_WRITES: '2', TRUST_PROXY: 'true' });
    });
    after(async () => api.stop());

    it('limits reads per client address, with RateLimit headers and a 429 problem', async () => {
      const headers = { 'x-forwarded-for': '203.0.113.7' };
      for (let i = 1; i <= 3; i += 1) {
        const ok = await api.request(PATH, { headers });
        expect(ok.status).to.equal(200);
        expect(ok.headers.get('ratelimit-limit')).to.equal('3');
        expect(ok.headers.get('ratelimit-remaining')).to.equal(String(3 - i));
        expect(Number(ok.headers.get('ratelimit-reset'))).to.be.within(0, 60);
      }
      const limited = await api.request(PATH, { headers });
      expect(limited.status).to.equal(429);
      expect(Number(limited.headers.get('retry-after'))).to.be.within(1, 60);
      expect(limited.headers.get('ratelimit-remaining')).to.equal('0');
      expect(((await limited.json()) as { code: string }).code).to.equal('rate_limited');
      // Another address (believed because TRUST_PROXY is on) has its own budget.
      expect((await api.request(PATH, { headers: { 'x-forwarded-for': '203.0.113.8' } })).status).to.equal(200);
    });

    it('limits writes per user, independently of other users', async () => {
      const alice = await api.tokenFor({ userId: 'rate-alice' });
      const bob = await api.tokenFor({ userId: 'rate-bob' });
      const headers = { 'x-forwarded-for': '198.51.100.1' };
      const first = await api.request(PATH, { method: 'POST', token: alice, json: post, headers });
      expect(first.status).to.equal(201);
      expect(first.headers.get('ratelimit-limit'), 'the write budget, not the read one').to.equal('2');
      expect(first.headers.get('ratelimit-remaining')).to.equal('1');
      expect((await api.request(PATH, { method: 'POST', token: alice, json: post, headers })).status).to.equal(201);
      const limited = await api.request(PATH, {
        method: 'POST',
        token: alice,
        json: { ...post, title: 'Refused by the limit' },
        headers,
      });
      expect(limited.status).to.equal(429);
      expect((await api.request(PATH, { method: 'POST', token: bob, json: post, headers })).status).to.equal(201);
      // The refused write stored nothing: Alice has exactly her two accepted posts. (Read through
      // the ORM: the read budget of this instance is spent.)
      const rows = await api.service.orm.em
        .fork()
        .execute<{ title: string }[]>(`select title from opportunity where created_by = 'rate-alice'`);
      expect(rows.map((row) => row.title)).to.deep.equal([post.title, post.title]);
    });
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is on', async () => {
    const api = await startTestService({ RATE_LIMIT_READS: '1' });
    try {
      expect((await api.request(PATH, { headers: { 'x-forwarded-for': '192.0.2.1' } })).status).to.equal(200);
      expect((await api.request(PATH, { headers: { 'x-forwarded-for': '192.0.2.2' } })).status).to.equal(429);
    } finally {
      await api.stop();
    }
  });

  it('fails open, logged and counted, when the shared store is unreachable', async () => {
    const api = await startTestService({ RATE_LIMIT_READS: '1', REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      for (let i = 0; i < 3; i += 1) expect((await api.request(PATH)).status).to.equal(200);
      expect(api.logger.lines.some((line) => line.message?.includes('rate-limit store unavailable'))).to.equal(true);
      const metrics = await (await api.request('/metrics')).text();
      expect(metrics).to.match(/^rate_limit_store_errors_total [1-9]/m);
    } finally {
      await api.stop();
    }
  });

  it('shares one budget between two instances through Redis', async function () {
    if (!(await redisAnswers())) skipLoudly(this, REDIS_MISSING);
    const env = {
      RATE_LIMIT_READS: '4',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `opportunities-test:${randomBytes(4).toString('hex')}:`,
    };
    const first = await startTestService(env);
    const second = await startTestService(env);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const instance = i % 2 === 0 ? first : second;
        statuses.push((await instance.request(PATH)).status);
      }
      expect(statuses).to.deep.equal([200, 200, 200, 200, 429, 429]);
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});
