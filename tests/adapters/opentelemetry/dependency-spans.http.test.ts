import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { skipLoudly } from '../../support/loud-skip.js';
import { startOtlpReceiver, type OtlpReceiver } from '../../support/otlp/otlp-receiver.js';
import { REDIS_MISSING, redisAnswers } from '../../support/redis.js';
import { startTestService, type TestService } from '../../support/test-service.js';

const CLIENT = 3;

/** A JWKS endpoint with one RS256 key, and tokens signed by it as simplejwt would sign them. */
async function startJwks(): Promise<{ url: string; sign: (userId: string) => Promise<string>; server: Server }> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'tracing-key', alg: 'RS256', use: 'sig' };
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const sign = (userId: string) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ token_type: 'access', exp: now + 300, iat: now, jti: randomUUID(), user_id: userId })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: 'tracing-key' })
      .sign(privateKey);
  };
  return { url: `http://127.0.0.1:${port}/.well-known/jwks.json?tenant=hidden`, sign, server };
}

describe('Tracing: Redis and JWKS calls are client spans of the request', () => {
  let receiver: OtlpReceiver;
  let jwks: Awaited<ReturnType<typeof startJwks>>;
  let api: TestService;

  before(async function () {
    if (!(await redisAnswers())) skipLoudly(this, REDIS_MISSING);
    receiver = await startOtlpReceiver();
    jwks = await startJwks();
    api = await startTestService({
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.endpoint}/v1/traces`,
      OTEL_BSP_SCHEDULE_DELAY: '20',
      JWT_ALGORITHM: 'RS256',
      JWT_JWKS_URL: jwks.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `opportunities-test:${randomBytes(4).toString('hex')}:`,
    });
  });
  after(async () => {
    await api?.stop();
    await receiver?.close();
    jwks?.server.close();
  });

  it('records the JWKS fetch and the rate-limit EVAL under the server span, without keys, URLs’ queries or ids', async () => {
    const userId = 'jwks-user-5150';
    const token = await jwks.sign(userId);
    const traceId = randomBytes(16).toString('hex');
    const response = await api.request('/api/v1/opportunities?limit=1', {
      token,
      headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
    });
    expect(response.status).to.equal(200);
    await receiver.waitFor((spans) => spans.filter((span) => span.traceId === traceId).length >= 4);
    const spans = receiver.spans.filter((span) => span.traceId === traceId);
    const server = spans.find((span) => span.kind === 2);
    const clients = spans.filter((span) => span.kind === CLIENT);
    expect(clients.map((span) => span.name)).to.include.members([
      'jwks_fetch',
      'rate_limit_hit',
      'opportunity_page_first',
    ]);
    for (const span of clients) expect(span.parentSpanId).to.equal(server?.spanId);

    const fetchSpan = clients.find((span) => span.name === 'jwks_fetch');
    expect(fetchSpan?.attributes).to.deep.include({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'url.full': jwks.url.replace('?tenant=hidden', ''),
    });
    const redis = clients.find((span) => span.name === 'rate_limit_hit');
    expect(redis?.attributes).to.deep.include({
      'db.system.name': 'redis',
      'db.operation.name': 'EVAL',
      'server.address': '127.0.0.1',
      'server.port': 6379,
    });
    const sent = Buffer.concat(receiver.rawBodies).toString('latin1');
    for (const secret of [...token.split('.'), userId, 'tenant=hidden', 'opportunities-test:']) {
      expect(sent).to.not.contain(secret);
    }
  });
});
