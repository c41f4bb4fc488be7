import { expect } from 'chai';
import { DependencyUnavailableError } from '../../../../src/application/dependency-unavailable.error.js';
import { NeverSent } from '../../../../src/adapters/postgres/sql/database-errors.js';
import { FailoverHold } from '../../../../src/adapters/postgres/sql/failover-hold.js';
import { rejection } from '../../../support/rejection.js';

const pgError = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

/** Work that fails with the given errors in turn, then answers `done`. */
function failing(...errors: Error[]) {
  const work = async () => {
    work.calls += 1;
    const error = errors[work.calls - 1];
    if (error) throw error;
    return 'done';
  };
  work.calls = 0;
  return work;
}

describe('FailoverHold: holding work while no writable primary answers', () => {
  const hold = (holdMs = 2_000, maxHeld = 10) =>
    new FailoverHold({ holdMs, maxHeld, firstBackoffMs: 5, maxBackoffMs: 20 });

  it('retries reads and keyed writes after any failure of a changing primary', async () => {
    const work = failing(pgError('57P01'), new Error('Connection terminated unexpectedly'), pgError('25006'));
    expect(await hold().run('idempotent', work)).to.equal('done');
    expect(work.calls).to.equal(4);
  });

  it('retries a write without a key only when the statement provably did not run', async () => {
    const refused = failing(pgError('25006'), new NeverSent(pgError('ECONNREFUSED')), pgError('57P03'));
    expect(await hold().run('once', refused)).to.equal('done');
    expect(refused.calls).to.equal(4);
    for (const unknownOutcome of [
      pgError('57P01'),
      pgError('ECONNRESET'),
      new Error('Connection terminated unexpectedly'),
    ]) {
      const work = failing(unknownOutcome);
      expect(await rejection(hold().run('once', work))).to.be.instanceOf(DependencyUnavailableError);
      expect(work.calls, String(unknownOutcome)).to.equal(1);
    }
  });

  it('never retries application errors or timeouts, and passes application errors through', async () => {
    const duplicate = pgError('23505');
    const work = failing(duplicate);
    expect(await rejection(hold().run('idempotent', work))).to.equal(duplicate);
    for (const timeout of [
      pgError('57014', 'canceling statement due to statement timeout'),
      new Error('Query read timeout'),
    ]) {
      const timedOut = failing(timeout);
      expect(await rejection(hold().run('idempotent', timedOut))).to.be.instanceOf(DependencyUnavailableError);
      expect(timedOut.calls, timeout.message).to.equal(1);
    }
  });

  it('retries a connection that could not be had in time (nothing was sent)', async () => {
    const work = failing(new NeverSent(new Error('timeout exceeded when trying to connect')));
    expect(await hold().run('once', work)).to.equal('done');
    expect(work.calls).to.equal(2);
  });

  it('gives up at the bound with a 503 error, after several attempts', async () => {
    const always = async () => {
      always.calls += 1;
      throw new NeverSent(pgError('ECONNREFUSED'));
    };
    always.calls = 0;
    const started = Date.now();
    const error = await rejection(hold(300).run('once', always));
    const elapsed = Date.now() - started;
    expect(error).to.be.instanceOf(DependencyUnavailableError);
    expect((error as DependencyUnavailableError).retryAfterSeconds).to.equal(2);
    expect(always.calls).to.be.greaterThan(5);
    expect(elapsed).to.be.within(250, 450);
  });

  it('holds at most maxHeld requests at once; the others answer at once', async () => {
    const bounded = hold(300, 2);
    const down = () => Promise.reject(new NeverSent(pgError('ECONNREFUSED')));
    const held = [bounded.run('idempotent', down), bounded.run('idempotent', down)];
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(bounded.holding).to.equal(2);
    const started = Date.now();
    expect(await rejection(bounded.run('idempotent', down))).to.be.instanceOf(DependencyUnavailableError);
    expect(Date.now() - started).to.be.below(50);
    await Promise.all(held.map((request) => rejection(request)));
    expect(bounded.holding).to.equal(0);
  });

  it('a hold of 0 answers the first failure at once', async () => {
    const work = failing(pgError('25006'));
    expect(await rejection(hold(0).run('idempotent', work))).to.be.instanceOf(DependencyUnavailableError);
    expect(work.calls).to.equal(1);
  });
});
