import { expect } from 'chai';
import { DependencyUnavailableError } from '../../src/application/dependency-unavailable.error.js';

describe('DependencyUnavailableError', () => {
  it('names the dependency and carries the adapter’s estimate of when to try again', () => {
    const cause = new Error('read-only transaction');
    const error = new DependencyUnavailableError('database', { cause, retryAfterSeconds: 2 });
    expect(error.message).to.equal('database is unavailable');
    expect(error.dependency).to.equal('database');
    expect(error.retryAfterSeconds).to.equal(2);
    expect(error.cause).to.equal(cause);
  });

  it('has no estimate when the adapter gives none', () => {
    expect(new DependencyUnavailableError('database').retryAfterSeconds).to.equal(undefined);
  });
});
