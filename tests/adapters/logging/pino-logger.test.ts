import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type pino from 'pino';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { signSimplejwtAccessToken } from '../../support/simplejwt-token.js';
import { startTestService, TEST_SECRET } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('createLogger (JSON to a file descriptor)', () => {
  let dir: string;
  let file: string;
  let fd: number;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pino-logger-'));
    file = path.join(dir, 'log.jsonl');
    fd = openSync(file, 'a');
  });

  // The descriptor stays open: the logger's flush timer lives as long as the process (as it does
  // for stdout), and closing it would let the number be reused by a socket the timer then writes to.
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lines = () =>
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('batches lines instead of writing each one, and still writes a lone line within about a second', async () => {
    const logger = createLogger('info', false, fd);
    logger.info({ requestId: 'r-1', status: 200 }, 'request');
    await sleep(200);
    expect(lines(), 'one short line is held for a batch').to.deep.equal([]);
    const deadline = Date.now() + 2_000;
    while (lines().length === 0 && Date.now() < deadline) await sleep(50);
    expect(lines()).to.have.length(1);
    expect(lines()[0]).to.deep.include({ msg: 'request', requestId: 'r-1', status: 200, service: 'opportunities' });
  });

  it('writes a full batch without waiting for the timer', async () => {
    const logger = createLogger('info', false, fd);
    for (let i = 0; i < 100; i += 1) logger.info({ requestId: `r-${i}`, status: 200 }, 'request');
    await sleep(200);
    expect(lines().length, 'written before the one-second timer').to.be.greaterThan(0);
    logger.flush();
    const deadline = Date.now() + 2_000;
    while (lines().length < 100 && Date.now() < deadline) await sleep(50);
    expect(lines()).to.have.length(100);
  });
});

/** What the real pino logger wrote to its file descriptor, read back once flushed. */
class LogSink {
  private logger: pino.Logger | undefined;
  text = '';
  constructor(
    private readonly fd: number,
    private readonly file: string,
  ) {}
  attach(logger: pino.Logger): pino.Logger {
    this.logger = logger;
    return logger;
  }
  async flushed(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.logger?.flush((error) => (error ? reject(error) : resolve())));
    this.text = readFileSync(this.file, 'utf8');
  }
  lines(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

describe('Logging with the production pino logger', () => {
  let dir: string;
  let file: string;
  let fd: number;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pino-redaction-'));
    file = path.join(dir, 'log.jsonl');
    fd = openSync(file, 'a');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('logs requests and token refusals, but never a token, the secret or a request body', async () => {
    const sink = new LogSink(fd, file);
    const api = await startTestService({}, sink.attach(createLogger('debug', false, fd)));
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
    await sink.flushed();
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

  it('redacts the Authorization header, tokens and secrets wherever an object carries them', async () => {
    const sink = new LogSink(fd, file);
    const logger = sink.attach(createLogger('info', false, fd));
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
    await sink.flushed();
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
