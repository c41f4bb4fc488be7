import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Validator } from '@seriousme/openapi-schema-validator';
import { expect } from 'chai';
import { parse } from 'yaml';
import { openApiDocument } from '../../../../src/adapters/koa/openapi/openapi-document.js';
import { startTestService, type TestService } from '../../../support/test-service.js';

describe('OpenAPI contract: the document', function () {
  this.timeout(30_000);

  it('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(openApiDocument()));
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).to.deep.equal([]);
    expect(result.valid).to.equal(true);
    expect(validator.version).to.equal('3.1');
  });

  /**
   * Reviewed warnings: health and documentation routes have no client errors to document (a 4xx
   * they cannot answer would be a lie), and `/` is a redirect by design.
   */
  const REVIEWED_WARNINGS = [
    'operation-4xx-response #/paths/~1health/get/responses',
    'operation-4xx-response #/paths/~1health~1live/get/responses',
    'operation-2xx-response #/paths/~1/get/responses',
    'operation-4xx-response #/paths/~1/get/responses',
    'operation-4xx-response #/paths/~1openapi.json/get/responses',
    'operation-4xx-response #/paths/~1openapi.yaml/get/responses',
    'operation-4xx-response #/paths/~1docs/get/responses',
  ];

  it('passes the Redocly linter (recommended rules): no errors, only the reviewed warnings', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: JSON.stringify(openApiDocument()),
      absoluteRef: 'openapi.json',
      config,
    });
    const where = (problem: (typeof problems)[number]) => `${problem.ruleId} ${problem.location[0]?.pointer}`;
    const errors = problems.filter((problem) => problem.severity === 'error');
    expect(errors.map((problem) => `${where(problem)}: ${problem.message}`)).to.deep.equal([]);
    expect(problems.map(where)).to.have.members(REVIEWED_WARNINGS);
  });

  describe('served by the service', () => {
    let api: TestService;
    before(async () => {
      api = await startTestService({ RATE_LIMIT_ENABLED: 'false' });
    });
    after(() => api.stop());

    it('at GET /openapi.json and GET /openapi.yaml, the same document', async () => {
      const json = await api.request('/openapi.json');
      expect(json.status).to.equal(200);
      expect(json.headers.get('content-type')).to.match(/^application\/json/);
      expect(await json.json()).to.deep.equal(openApiDocument());
      const yaml = await api.request('/openapi.yaml');
      expect(yaml.headers.get('content-type')).to.match(/^application\/yaml/);
      expect(parse(await yaml.text())).to.deep.equal(openApiDocument());
    });

    it('GET / points a person to /docs', async () => {
      const root = await api.request('/', { redirect: 'manual' });
      expect(root.status).to.equal(302);
      expect(root.headers.get('location')).to.equal('/docs');
    });

    it('serves the docs page and its assets from node_modules, with a policy that allows only this origin', async () => {
      const page = await api.request('/docs');
      expect(page.status).to.equal(200);
      const html = await page.text();
      expect(html)
        .to.contain('/docs/swagger-ui-bundle.js')
        .and.not.match(/https?:\/\//);
      const policy = page.headers.get('content-security-policy') ?? '';
      expect(policy).to.contain("script-src 'self'").and.contain("connect-src 'self'").and.not.contain('http');
      for (const asset of ['swagger-ui.css', 'swagger-ui-bundle.js', 'init.js', 'favicon-32x32.png']) {
        const response = await api.request(`/docs/${asset}`);
        expect(response.status, asset).to.equal(200);
        expect((await response.arrayBuffer()).byteLength, asset).to.be.greaterThan(100);
      }
      expect((await api.request('/docs/index.html')).status).to.equal(404);
      expect((await api.request('/docs/..%2Fpackage.json')).status).to.equal(404);
      const init = await (await api.request('/docs/init.js')).text();
      expect(init).to.contain('validatorUrl: null').and.contain("url: '/openapi.json'");
    });

    it('keeps the docs public: a refused token does not hide them', async () => {
      const response = await api.request('/openapi.json', { headers: { authorization: 'Bearer nonsense' } });
      expect(response.status).to.equal(200);
    });
  });
});
