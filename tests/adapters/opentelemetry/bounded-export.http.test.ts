import { expect } from 'chai';
import { startOtlpReceiver, type OtlpReceiver } from '../../support/otlp/otlp-receiver.js';
import { startTestService, type TestService } from '../../support/test-service.js';

const LIST = '/api/v1/opportunities?limit=1';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/** Milliseconds each of `count` sequential requests took, end to end. */
async function latencies(api: TestService, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const started = performance.now();
    const response = await api.request(LIST);
    await response.arrayBuffer();
    expect(response.status).to.equal(200);
    times.push(performance.now() - started);
  }
  return times;
}

async function counter(api: TestService, series: string): Promise<number> {
  const text = await (await api.request('/metrics')).text();
  const line = text.split('\n').find((entry) => entry.startsWith(`${series} `));
  return Number(line?.split(' ')[1] ?? Number.NaN);
}

const QUEUE_FULL = 'tracing_spans_dropped_total{reason="queue_full"}';
const EXPORT_FAILED = 'tracing_spans_dropped_total{reason="export_failed"}';

describe('Tracing export is bounded: a collector that hangs or fails never slows a request', () => {
  let receiver: OtlpReceiver;
  let api: TestService;

  before(async () => {
    receiver = await startOtlpReceiver();
    api = await startTestService({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      // Long enough that the export stays hung for the whole hung block, even on a loaded machine.
      OTEL_EXPORTER_OTLP_TIMEOUT: '3000',
      OTEL_BSP_MAX_QUEUE_SIZE: '16',
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '8',
      OTEL_BSP_SCHEDULE_DELAY: '5',
    });
  });
  after(async () => {
    await api?.stop();
    await receiver?.close();
  });

  it('keeps request latency with a hung collector (measured), and counts what it drops', async () => {
    await latencies(api, 20); // warm-up: statements prepared, connections open
    const healthyBefore = await latencies(api, 40);
    receiver.behave('hang');
    const hung = await latencies(api, 40);
    const queueFull = await counter(api, QUEUE_FULL);
    // 80 spans: the queue (16) filled behind the hung export (8): everything past it was dropped and counted.
    expect(queueFull).to.be.greaterThan(40);
    receiver.behave('accept');
    await new Promise((resolve) => setTimeout(resolve, 3_300)); // the hung export times out (3 s)
    const healthyAfter = await latencies(api, 40);
    expect(await counter(api, EXPORT_FAILED)).to.be.greaterThan(0);

    const healthy = median([...healthyBefore, ...healthyAfter]);
    const whileHung = median(hung);
    // Noise on a shared machine is a few milliseconds; waiting for the collector would be 3 s.
    expect(whileHung, `median ${whileHung.toFixed(2)} ms hung vs ${healthy.toFixed(2)} ms healthy`).to.be.below(
      healthy * 2 + 5,
    );
    expect(Math.max(...hung)).to.be.below(500);
    // Exports resume once the collector answers again.
    const before = receiver.spans.length;
    await latencies(api, 2);
    await receiver.waitFor((spans) => spans.length > before);
  });

  it('counts spans a collector answering 503 makes the exporter give up, without failing requests', async () => {
    const failedBefore = await counter(api, EXPORT_FAILED);
    receiver.behave('fail');
    try {
      const times = await latencies(api, 10);
      expect(Math.max(...times)).to.be.below(200);
      const deadline = Date.now() + 5_000;
      while ((await counter(api, EXPORT_FAILED)) <= failedBefore) {
        if (Date.now() > deadline) throw new Error('no export failure counted');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      receiver.behave('accept');
    }
  });
});

describe('Tracing with no collector listening', () => {
  it('answers as usual and counts the spans it could not send', async () => {
    const { freePort } = await import('../../support/test-database.js');
    const api = await startTestService({
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`,
      OTEL_EXPORTER_OTLP_TIMEOUT: '500',
      OTEL_BSP_SCHEDULE_DELAY: '5',
    });
    try {
      const times = await latencies(api, 10);
      expect(Math.max(...times)).to.be.below(500);
      const deadline = Date.now() + 5_000;
      while ((await counter(api, EXPORT_FAILED)) === 0) {
        if (Date.now() > deadline) throw new Error('no export failure counted');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await api.stop();
    }
  });
});

describe('Tracing at shutdown: flushes what is queued, within the shutdown budget', () => {
  it('exports the last requests’ spans when the collector answers', async () => {
    const receiver = await startOtlpReceiver();
    // A long schedule delay: only the shutdown flush can send these spans.
    const api = await startTestService({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '600000',
    });
    try {
      await api.request(LIST);
      expect(receiver.spans).to.have.length(0);
    } finally {
      await api.stop();
      await receiver.close();
    }
    expect(receiver.spans.map((span) => span.name)).to.include.members([
      'GET /api/v1/opportunities',
      'opportunity_page_first',
    ]);
  });

  it('gives up on a hung collector when the budget ends, not when the export times out', async () => {
    const receiver = await startOtlpReceiver();
    receiver.behave('hang');
    const api = await startTestService({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      // Far longer than the budget (and short enough that the abandoned export ends before the run does).
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      SHUTDOWN_TIMEOUT_MS: '300',
    });
    try {
      await api.request(LIST);
      const started = performance.now();
      await api.stop();
      const took = performance.now() - started;
      expect(took, `stop took ${took.toFixed(0)} ms`).to.be.below(1_500);
      const warning = api.logger.lines.find((line) => line.message === 'queued trace spans were not all exported');
      expect(warning?.fields).to.deep.include({ outcome: 'timed out' });
    } finally {
      await receiver.close();
    }
  });
});
