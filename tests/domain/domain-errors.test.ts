import { expect } from 'chai';
import { DependencyUnavailableError } from '../../src/application/dependency-unavailable.error.js';
import { TokenRejectedError } from '../../src/application/ports/access-token-verifier.port.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../../src/domain/domain-errors.js';

/** Codes are the stable contract clients branch on; messages end up in logs and problem details. */
describe('Errors of the core: kind, stable code and message', () => {
  it('NotFoundError names the entity and id', () => {
    const error = new NotFoundError('Opportunity', 'abc');
    expect(error).to.include({ kind: 'not_found', code: 'not_found', message: 'Opportunity abc was not found' });
  });

  it('ForbiddenError, ConflictError (default and specific code)', () => {
    expect(new ForbiddenError('no')).to.include({ kind: 'forbidden', code: 'forbidden', message: 'no' });
    expect(new ConflictError('taken')).to.include({ kind: 'conflict', code: 'conflict', message: 'taken' });
    expect(new ConflictError('stale', 'version_mismatch')).to.include({ code: 'version_mismatch' });
  });

  it('PreconditionFailedError names the entity, id and current version', () => {
    const error = new PreconditionFailedError('Opportunity', 'abc', 3);
    expect(error).to.include({
      kind: 'precondition_failed',
      code: 'version_mismatch',
      currentVersion: 3,
      message: "Opportunity abc is at version 3, which the request's condition does not match",
    });
  });

  it('ValidationError keeps every issue and lists them in its message', () => {
    const issues = [
      { field: 'title', message: 'must not be blank' },
      { field: 'tags', message: 'must have at most 20 distinct tags' },
    ];
    const error = new ValidationError(issues);
    expect(error).to.include({ kind: 'invalid', code: 'validation_failed' });
    expect(error.issues).to.deep.equal(issues);
    expect(error.message).to.equal('Invalid input: title must not be blank; tags must have at most 20 distinct tags');
  });

  it('application errors say what failed', () => {
    const cause = new Error('connect ECONNREFUSED');
    const unavailable = new DependencyUnavailableError('database', { cause });
    expect(unavailable).to.include({ dependency: 'database', message: 'database is unavailable', cause });
    const refused = new TokenRejectedError('expired', { tokenId: 'j' });
    expect(refused).to.include({ reason: 'expired', message: 'access token refused: expired' });
    expect(refused.trustedClaims).to.deep.equal({ tokenId: 'j' });
    expect(new TokenRejectedError('malformed').trustedClaims).to.deep.equal({});
  });
});
