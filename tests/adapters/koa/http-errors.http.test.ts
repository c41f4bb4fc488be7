import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';

describe('HTTP: health and error answers', () => {
  let api: TestService;
  let token: string;

  before(async () => {
    api = await startTestService();
    token = await api.tokenFor({ userId: 'u1' });
  });
  after(async () => api.stop());

  it('reports health with the database state', async () => {
    const response = await api.request('/health');
    expect(response.status).to.equal(200);
    expect(await response.json()).to.deep.equal({ status: 'ok', database: 'up' });
  });

  it('answers malformed JSON with 400, a non-JSON body with 415, an oversized one with 413', async () => {
    const malformed = await api.request(PATH, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"title": ',
    });
    expect(malformed.status).to.equal(400);
    const problem = (await malformed.json()) as { code: string; detail: string };
    expect(problem.code).to.equal('bad_request');
    expect(problem.detail).to.not.match(/at |Error|position/);

    const form = await api.request(PATH, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'title=x',
    });
    expect(form.status).to.equal(415);

    const huge = await api.request(PATH, {
      method: 'POST',
      token,
      json: { title: 'x', description: 'y'.repeat(70 * 1024), category: 'c' },
    });
    expect(huge.status).to.equal(413);
    expect(((await huge.json()) as { code: string }).code).to.equal('payload_too_large');
  });

  it('answers a JSON body that is not an object with 400', async () => {
    for (const body of ['[]', '"text"', 'null']) {
      const response = await api.request(PATH, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body,
      });
      expect(response.status, body).to.equal(400);
    }
  });

  it('gives unknown routes and methods problem+json answers with a request id', async () => {
    const missing = await api.request('/nope');
    expect(missing.status).to.equal(404);
    expect(missing.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(missing.headers.get('x-request-id')).to.match(/^[\w-]{36}$/);
    const patch = await api.request(PATH, { method: 'PATCH', token, json: {} });
    expect(patch.status).to.equal(405);
    expect(((await patch.json()) as { code: string }).code).to.equal('method_not_allowed');
  });

  it('echoes a sane incoming X-Request-Id and replaces an unsafe one', async () => {
    const kept = await api.request('/health', { headers: { 'x-request-id': 'gateway-123' } });
    expect(kept.headers.get('x-request-id')).to.equal('gateway-123');
    const replaced = await api.request('/health', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(replaced.headers.get('x-request-id')).to.not.equal('bad id with spaces');
  });
});
