import { expect } from 'chai';
import { ContractValidator } from './contract-validator.js';

const validator = new ContractValidator();
const headers = (extra: Record<string, string> = {}) =>
  new Headers({ 'x-request-id': 'req-1', 'content-type': 'application/json; charset=utf-8', ...extra });
const problem = (code: string, status: number) =>
  JSON.stringify({ type: `urn:opportunities:problem:${code}`, title: 'x', status, detail: 'x', code });

describe('OpenAPI contract: the response validator used by every HTTP test', () => {
  it('accepts a documented response and names the operation it matched', () => {
    const verdict = validator.check({
      method: 'GET',
      path: '/api/v1/opportunities',
      status: 200,
      headers: headers(),
      body: JSON.stringify({ next: null, previous: null, results: [] }),
    });
    expect(verdict).to.deep.equal({ key: 'GET /api/v1/opportunities 200', problems: [] });
  });

  it('refuses an undocumented status, a body off the schema, a missing required header and a wrong media type', () => {
    const check = (status: number, body: string, extra?: Record<string, string>, path = '/api/v1/opportunities') =>
      validator.check({ method: 'GET', path, status, headers: headers(extra), body }).problems;
    expect(check(418, '{}')).to.have.length(1);
    expect(check(200, JSON.stringify({ next: null, results: [] })).join()).to.contain(
      "must have required property 'previous'",
    );
    expect(check(200, JSON.stringify({ next: null, previous: null, results: [], extra: 1 })).join()).to.contain(
      'additional',
    );
    expect(
      check(
        404,
        problem('forbidden', 404),
        { 'content-type': 'application/problem+json' },
        '/api/v1/opportunities/3f0c6a8e-0b7e-4d57-9a55-1d3b2f6c1a00',
      ).join(),
    ).to.contain('allowed values');
    const noEtag = check(200, '{}', {}, '/api/v1/opportunities/3f0c6a8e-0b7e-4d57-9a55-1d3b2f6c1a00');
    expect(noEtag.join()).to.contain('required header ETag is missing');
    expect(check(200, '[]', { 'content-type': 'text/plain' }).join()).to.contain('media type "text/plain"');
  });

  it('requires unknown paths and methods to answer the documented Problem, and HEAD to follow GET', () => {
    const unknown = (method: string, path: string, status: number, body: string) =>
      validator.check({ method, path, status, headers: headers({ 'content-type': 'application/problem+json' }), body });
    expect(unknown('GET', '/nope', 404, problem('route_not_found', 404)).problems).to.deep.equal([]);
    expect(unknown('GET', '/nope', 200, '{}').problems).to.have.length(1);
    expect(unknown('PATCH', '/api/v1/opportunities', 405, problem('method_not_allowed', 405)).problems).to.deep.equal(
      [],
    );
    expect(unknown('PATCH', '/api/v1/opportunities', 405, '{"code":"x"}').problems).to.not.deep.equal([]);
    const head = validator.check({ method: 'HEAD', path: '/health/live', status: 200, headers: headers(), body: '' });
    expect(head).to.deep.equal({ key: 'GET /health/live 200', problems: [] });
  });
});
