import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { signSimplejwtAccessToken } from '../../support/simplejwt-token.js';
import { startTestService, TEST_SECRET } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';

/** Where the real pino logger writes in these tests: every line, as written. */
class LogSink extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  lines(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

describe('Logging with the production pino logger', () => {
  it('logs requests and token refusals, but never a token, the secret or a request body', async () => {
    const sink = new LogSink();
    const api = await startTestService({}, createLogger('debug', false, sink));
    const marker = `body-marker-${randomBytes(6).toString('hex')}`;
    const token = await api.tokenFor({ userId: 'logged-user' });
    const foreign = await signSimplejwtAccessToken(`${TEST_SECRET}-of-someone-else`, { userId: 'intruder' });
    try {
      const created = await api.request(PATH, {
        method: 'POST',
        token,
        headers: { 'x-request-id': 'pino-create' },
        json: { title: marker, description: marker, category: 'tests', tags: [marker.slice(0, 40)] },
      });
      expect(created.status).to.equal(201);
      expect(
        (await api.request(PATH, { token: foreign, headers: { 'x-request-id': 'pino-refused' } })).status,
      ).to.equal(401);
      await api.request(PATH, { headers: { authorization: `Bearer ${token} extra` } });
      await api.request(PATH, { method: 'POST', token, body: `{"title":"${marker}", broken` });
    } finally {
      await api.stop();
    }
    const lines = sink.lines();
    // The log is really wired: the access line and the refusal (with its reason) are there…
    expect(lines.find((line) => line.requestId === 'pino-create' && line.msg === 'request')).to.include({
      service: 'opportunities',
      status: 201,
    });
    expect(lines.some((line) => line.requestId === 'pino-refused' && line.level === 40 && line.reason)).to.equal(true);
    // …and none of the secret material or the body is.
    for (const secret of [...token.split('.').slice(1), ...foreign.split('.').slice(1), TEST_SECRET, marker]) {
      expect(sink.text).to.not.contain(secret);
    }
    expect(sink.text.toLowerCase()).to.not.contain('bearer ');
  });

  it('redacts the Authorization header, tokens and secrets wherever an object carries them', () => {
    const sink = new LogSink();
    const logger = createLogger('info', false, sink);
    const values = {
      reqHeader: 'Bearer req-header-token',
      header: 'Bearer bare-header-token',
      authorization: 'Bearer top-level-token',
      token: 'the-token-value',
      secret: 'the-secret-value',
      nested: 'the-nested-secret-value',
    };
    logger.error(
      {
        req: { headers: { authorization: values.reqHeader, host: 'api.example.com' } },
        headers: { authorization: values.header },
        authorization: values.authorization,
        token: values.token,
        secret: values.secret,
        jwt: { secret: values.nested },
      },
      'failure that carries credentials',
    );
    const [line] = sink.lines();
    for (const value of Object.values(values)) expect(sink.text).to.not.contain(value);
    expect(line).to.deep.include({
      req: { headers: { authorization: '[redacted]', host: 'api.example.com' } },
      headers: { authorization: '[redacted]' },
      authorization: '[redacted]',
      token: '[redacted]',
      secret: '[redacted]',
      jwt: { secret: '[redacted]' },
      msg: 'failure that carries credentials',
    });
  });
});
