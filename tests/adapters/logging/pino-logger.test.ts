import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';

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
