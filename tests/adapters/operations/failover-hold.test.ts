import { expect } from 'chai';
import { skipLoudly } from '../../support/loud-skip.js';
import { type ScratchPrimary, startScratchPrimary } from '../../support/scratch-primary.js';
import { replicaToolsMissing } from '../../support/streaming-replica.js';

const PATH = '/api/v1/opportunities';
const HOLD_MS = 4_000;

/**
 * The failover hold on a real server (scratch PostgreSQL 15): while the primary refuses writes
 * or connections for less than DB_FAILOVER_HOLD_MS, requests wait and then succeed, each write
 * stored once; past the bound they answer 503 with Retry-After.
 */
describe('Operations: requests are held while no writable primary answers, within the bound', function () {
  this.timeout(120_000);
  let scratch: ScratchPrimary | undefined;

  before(async function () {
    const missing = replicaToolsMissing();
    if (missing) return skipLoudly(this, missing);
    scratch = await startScratchPrimary('failover_hold', {
      DB_CONNECT_TIMEOUT_MS: '1000',
      DB_FAILOVER_HOLD_MS: String(HOLD_MS),
    });
  });
  after(async () => {
    await scratch?.stop();
  });

  const the = () => scratch as ScratchPrimary;
  const primary = () => the().cluster;
  const readOnly = (on: boolean) => the().readOnly(on);
  const rows = (title: string) => the().rows(title);
  const post = (title: string, key?: string) => the().post(title, key);
  const timed = async (request: Promise<Response>) => {
    const started = Date.now();
    const response = await request;
    const text = await response.text();
    return { status: response.status, ms: Date.now() - started, retryAfter: response.headers.get('retry-after'), text };
  };

  it('holds plain and keyed creates through a second of read-only primary, then stores each once', async () => {
    expect((await post('Warm-up')).status).to.equal(201);
    await readOnly(true);
    const plain = timed(post('Held plain'));
    const keyed = timed(post('Held keyed', 'hold-key-1'));
    const list = timed(the().api.request(PATH));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await readOnly(false);
    const outcomes = await Promise.all([plain, keyed, list]);
    for (const outcome of outcomes) expect(outcome.status, JSON.stringify(outcome)).to.be.oneOf([200, 201]);
    expect(outcomes[0].ms, 'the plain create waited for the primary').to.be.at.least(1_000);
    expect(outcomes[0].ms).to.be.below(HOLD_MS + 1_000);
    expect(await rows('Held plain')).to.equal(1);
    expect(await rows('Held keyed')).to.equal(1);
  });

  it('answers 503 + Retry-After once the hold is over', async () => {
    await readOnly(true);
    try {
      const outcome = await timed(post('Past the bound'));
      expect(outcome.status, outcome.text).to.equal(503);
      expect(outcome.retryAfter).to.equal('2');
      expect(outcome.ms).to.be.within(HOLD_MS - 600, HOLD_MS + 1_500);
    } finally {
      await readOnly(false);
    }
    expect(await rows('Past the bound')).to.equal(0);
  });

  it('holds reads and writes while the server restarts (connections refused), then answers them', async () => {
    expect((await the().api.request(PATH)).status).to.equal(200);
    await primary().stopPrimary('fast');
    const read = timed(the().api.request(PATH));
    const write = timed(post('During the restart'));
    await new Promise((resolve) => setTimeout(resolve, 800));
    await primary().startPrimary();
    const [listed, created] = await Promise.all([read, write]);
    expect(listed.status, listed.text).to.equal(200);
    expect(created.status, created.text).to.equal(201);
    expect(await rows('During the restart')).to.equal(1);
  });
});
