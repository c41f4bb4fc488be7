import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { startOtlpReceiver, type OtlpReceiver } from '../../support/otlp/otlp-receiver.js';
import type { ReceivedSpan } from '../../support/otlp/otlp-trace-request.js';
import { aDraft } from '../../support/builders.js';
import { startTestService, TEST_SECRET, type TestService } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';
const SERVER = 2;
const CLIENT = 3;

const hexId = (bytes: number) => randomBytes(bytes).toString('hex');

function tracedService(receiver: OtlpReceiver, protocol: string, env: Record<string, string> = {}) {
  return startTestService({
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_SERVICE_NAME: 'opportunities-under-test',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test,team=opportunities%20core',
    OTEL_BSP_SCHEDULE_DELAY: '20',
    ...env,
  });
}

const serverSpanOf = (spans: readonly ReceivedSpan[], traceId: string) =>
  spans.find((span) => span.traceId === traceId && span.kind === SERVER);

for (const protocol of ['http/protobuf', 'http/json'] as const) {
  describe(`Tracing over OTLP/HTTP (${protocol})`, () => {
    let receiver: OtlpReceiver;
    let api: TestService;

    before(async () => {
      receiver = await startOtlpReceiver();
      api = await tracedService(receiver, protocol);
    });
    after(async () => {
      await api?.stop();
      await receiver?.close();
    });

    it('continues the caller’s trace: a server span named by the route template, SQL child spans by statement name', async () => {
      const token = await api.tokenFor({ userId: 'tracing-user-4711' });
      const draft = aDraft({ title: 'Secret-free tracing title 93ab', description: 'Tracing description value 7f2c' });
      const created = await api.request(PATH, { method: 'POST', token, json: draft });
      expect(created.status).to.equal(201);
      const { id } = (await created.json()) as { id: string };

      const traceId = hexId(16);
      const callerSpanId = hexId(8);
      const response = await api.request(`${PATH}/${id}`, {
        token,
        headers: { traceparent: `00-${traceId}-${callerSpanId}-01`, tracestate: 'app=mobile' },
      });
      expect(response.status).to.equal(200);

      await receiver.waitFor(
        (spans) =>
          serverSpanOf(spans, traceId) !== undefined &&
          spans.some((span) => span.traceId === traceId && span.kind === CLIENT),
      );
      const server = serverSpanOf(receiver.spans, traceId);
      expect(server, 'server span').to.not.equal(undefined);
      expect(server?.parentSpanId).to.equal(callerSpanId);
      expect(server?.traceState).to.equal('app=mobile');
      expect(server?.name).to.equal('GET /api/v1/opportunities/{id}');
      expect(server?.attributes).to.deep.include({
        'http.request.method': 'GET',
        'http.route': '/api/v1/opportunities/{id}',
        'http.response.status_code': 200,
        'url.scheme': 'http',
        'url.path': `${PATH}/${id}`,
      });
      expect(server?.resource).to.deep.include({
        'service.name': 'opportunities-under-test',
        'deployment.environment.name': 'test',
        team: 'opportunities core',
      });

      const sql = receiver.spans.filter((span) => span.traceId === traceId && span.kind === CLIENT);
      expect(sql.map((span) => span.name)).to.deep.equal(['opportunity_find_by_id']);
      expect(sql[0]?.parentSpanId).to.equal(server?.spanId);
      expect(sql[0]?.attributes).to.deep.include({
        'db.system.name': 'postgresql',
        'db.operation.name': 'SELECT',
        'db.collection.name': 'opportunity',
        'db.query.summary': 'SELECT opportunity',
        'server.address': '127.0.0.1',
      });
      expect(sql[0]?.attributes['db.namespace']).to.be.a('string').and.not.equal('');

      // The access-log line joins the trace: the caller's trace id and this service's span id.
      const line = api.logger.lines.find((entry) => entry.message === 'request' && entry.fields.trace_id === traceId);
      expect(line?.fields).to.deep.include({ span_id: server?.spanId, trace_sampled: true, status: 200 });

      // The POST's own trace: its insert is a child span of it, named by its statement.
      await receiver.waitFor((spans) => spans.some((span) => span.name === 'POST /api/v1/opportunities'));
      const post = receiver.spans.find((span) => span.kind === SERVER && span.name === 'POST /api/v1/opportunities');
      expect(post?.attributes['http.response.status_code']).to.equal(201);
      await receiver.waitFor((spans) =>
        spans.some((span) => span.parentSpanId === post?.spanId && span.name === 'opportunity_insert'),
      );
      const insert = receiver.spans.find((span) => span.parentSpanId === post?.spanId);
      expect(insert?.attributes).to.deep.include({
        'db.operation.name': 'INSERT',
        'db.collection.name': 'opportunity',
      });

      // Nothing the request carried beyond its path reaches the collector: no token, secret,
      // body, user id or statement value.
      const sent = Buffer.concat(receiver.rawBodies).toString('latin1');
      for (const secret of [...token.split('.'), TEST_SECRET, draft.title, draft.description, 'tracing-user-4711']) {
        expect(sent).to.not.contain(secret);
      }
      for (const span of receiver.spans.filter((s) => s.kind === CLIENT)) {
        expect(JSON.stringify(span.attributes)).to.not.contain(id);
      }
      expect(
        receiver.requests.every(
          (type) => type === (protocol === 'http/json' ? 'application/json' : 'application/x-protobuf'),
        ),
      ).to.equal(true);
    });

    it('names the search’s statements by what they read, and keeps the words out of the trace', async () => {
      const traceId = hexId(16);
      const words = 'zanzibarish pyhton';
      const response = await api.request(`${PATH}/search?q=${encodeURIComponent(words)}`, {
        headers: { traceparent: `00-${traceId}-${hexId(8)}-01` },
      });
      expect(response.status).to.equal(200);
      await receiver.waitFor((spans) => serverSpanOf(spans, traceId) !== undefined);
      const names = receiver.spans.filter((s) => s.traceId === traceId && s.kind === CLIENT).map((s) => s.name);
      expect(names.length).to.be.greaterThan(0);
      for (const name of names) expect(name).to.match(/^search_/);
      expect(serverSpanOf(receiver.spans, traceId)?.name).to.equal('GET /api/v1/opportunities/search');
      const sent = Buffer.concat(receiver.rawBodies).toString('latin1');
      expect(sent).to.not.contain('zanzibarish');
    });

    it('records a 404 as a span with its status (not an error), and starts a new trace without traceparent', async () => {
      const response = await api.request(`${PATH}/00000000-0000-4000-8000-000000000000`, {
        headers: { 'x-request-id': `untraced-404-${protocol.slice(5)}` },
      });
      expect(response.status).to.equal(404);
      const line = api.logger.lines.find(
        (entry) => entry.message === 'request' && entry.fields.requestId === `untraced-404-${protocol.slice(5)}`,
      );
      const traceId = line?.fields.trace_id as string;
      expect(traceId).to.match(/^[\da-f]{32}$/);
      expect(line?.fields.span_id).to.match(/^[\da-f]{16}$/);
      await receiver.waitFor((spans) => serverSpanOf(spans, traceId) !== undefined);
      const server = serverSpanOf(receiver.spans, traceId);
      expect(server?.parentSpanId).to.equal('');
      expect(server?.attributes['http.response.status_code']).to.equal(404);
      expect(server?.statusCode).to.equal(0);
    });

    it('follows the caller’s decision not to sample: the ids are logged, nothing is exported', async () => {
      const traceId = hexId(16);
      await api.request(`${PATH}/00000000-0000-4000-8000-000000000000`, {
        headers: { traceparent: `00-${traceId}-${hexId(8)}-00` },
      });
      const line = api.logger.lines.find((entry) => entry.fields.trace_id === traceId);
      expect(line?.fields.trace_sampled).to.equal(false);
      // A request after it is exported, so the unsampled one would have been too by now.
      const after = hexId(16);
      await api.request(`${PATH}/00000000-0000-4000-8000-000000000000`, {
        headers: { traceparent: `00-${after}-${hexId(8)}-01` },
      });
      await receiver.waitFor((spans) => serverSpanOf(spans, after) !== undefined);
      expect(receiver.spans.some((span) => span.traceId === traceId)).to.equal(false);
    });
  });
}

describe('Tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('logs the caller’s trace id and span as parent, so its trace still finds the line; nothing without traceparent', async () => {
    const api = await startTestService();
    try {
      const traceId = hexId(16);
      const parent = hexId(8);
      await api.request(`${PATH}?limit=1`, {
        headers: { traceparent: `00-${traceId}-${parent}-01`, 'x-request-id': 'off-1' },
      });
      await api.request(`${PATH}?limit=1`, {
        headers: { traceparent: `00-${'0'.repeat(32)}-${parent}-01`, 'x-request-id': 'off-2' },
      });
      await api.request(`${PATH}?limit=1`, { headers: { 'x-request-id': 'off-3' } });
      const fields = (id: string) =>
        api.logger.lines.find((line) => line.message === 'request' && line.fields.requestId === id)?.fields;
      expect(fields('off-1')).to.deep.include({ trace_id: traceId, parent_span_id: parent });
      expect(fields('off-1')).to.not.have.property('span_id');
      expect(fields('off-2')).to.not.have.property('trace_id');
      expect(fields('off-3')).to.not.have.property('trace_id');
    } finally {
      await api.stop();
    }
  });
});
