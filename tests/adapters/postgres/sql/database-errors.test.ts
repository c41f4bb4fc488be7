import { expect } from 'chai';
import { DependencyUnavailableError } from '../../../../src/application/dependency-unavailable.error.js';
import {
  certainlyNotApplied,
  isUnavailable,
  keepsConnection,
  NeverSent,
  serviceError,
} from '../../../../src/adapters/postgres/sql/database-errors.js';

/** A driver error as pg raises it: a message and the SQLSTATE or socket code in `code`. */
const pgError = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

/**
 * The classes a changing primary produces, including those the operational tests cannot provoke
 * on cue (08xxx variants, 57P05); the real server's errors are in tests/adapters/operations.
 */
describe('Database errors: which failures mean "the primary is unavailable or changing"', () => {
  const unavailable = ['25006', '57P01', '57P02', '57P03', '57P05', '53300', '08000', '08001', '08003', '08004'];
  for (const code of [...unavailable, '08006', '08P01', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']) {
    it(`${code} becomes a 503 with a Retry-After estimate`, () => {
      expect(isUnavailable(pgError(code))).to.equal(true);
      const mapped = serviceError(pgError(code));
      expect(mapped).to.be.instanceOf(DependencyUnavailableError);
      expect((mapped as DependencyUnavailableError).retryAfterSeconds).to.equal(2);
    });
  }

  it('a connection cut mid-statement (pg message only) and a failed checkout are unavailable', () => {
    expect(isUnavailable(new Error('Connection terminated unexpectedly'))).to.equal(true);
    expect(isUnavailable(new NeverSent(new Error('timeout exceeded when trying to connect')))).to.equal(true);
    expect(isUnavailable(new Error('wrapped', { cause: pgError('25006') }))).to.equal(true);
  });

  it('a statement timeout is a 503 that asks for a longer wait; application errors stay themselves', () => {
    expect((serviceError(pgError('57014')) as DependencyUnavailableError).retryAfterSeconds).to.equal(5);
    for (const code of ['23505', '23514', '40001', '42P01', '22P02']) {
      expect(isUnavailable(pgError(code)), code).to.equal(false);
      expect(serviceError(pgError(code))).not.to.be.instanceOf(DependencyUnavailableError);
    }
  });

  it('only failures that prove the statement changed nothing count as "not applied"', () => {
    for (const error of [
      pgError('25006'),
      pgError('57P03'),
      pgError('ECONNREFUSED'),
      new NeverSent(pgError('ECONNRESET')),
    ]) {
      expect(certainlyNotApplied(error), String(error)).to.equal(true);
    }
    // The statement may have committed before the connection went: its outcome is unknown.
    for (const error of [
      pgError('57P01'),
      pgError('57P02'),
      pgError('ECONNRESET'),
      new Error('Connection terminated unexpectedly'),
    ]) {
      expect(certainlyNotApplied(error), String(error)).to.equal(false);
    }
  });

  it('keeps a connection only after errors the statement caused itself', () => {
    expect(keepsConnection(pgError('23505'))).to.equal(true);
    expect(keepsConnection(pgError('25006'))).to.equal(false);
    expect(keepsConnection(new Error('Connection terminated unexpectedly'))).to.equal(false);
  });
});
