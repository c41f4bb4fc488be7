/**
 * `npm run bench:tracing-overhead`: the CPU time tracing adds to one request, measured in one
 * process without the service around it, so a shared machine's load moves it far less than req/s.
 * A simulated GET /:id (a server span continued from no traceparent, one SQL client span, the
 * access log's id reads) runs through the real OpenTelemetry adapter, exporting http/protobuf to
 * the counting test receiver, at 100 %, parentbased_traceidratio 0.1, and without tracing; the
 * difference of process CPU time per request is tracing's cost. Rounds interleave; medians.
 */
import { parseArgs } from 'node:util';
import { startTracing } from '../src/adapters/opentelemetry/open-telemetry-tracing.js';
import { statementSpan } from '../src/adapters/postgres/sql/statement-span.js';
import { startOtlpReceiver } from '../tests/support/otlp/otlp-receiver.js';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '40000' }, rounds: { type: 'string', default: '5' } },
});
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);

const tally = { exported: 0, dropped: 0 };
const counts = {
  spansExported: (n: number) => void (tally.exported += n),
  spansDropped: (n: number) => void (tally.dropped += n),
};
const request = {
  method: 'GET',
  path: '/api/v1/opportunities/6f1c2a0e-3b7d-4c55-9d1e-0a4b8f2e7c31',
  scheme: 'http',
  clientAddress: '127.0.0.1',
  userAgent: 'autocannon',
  protocolVersion: '1.1',
};
// The span the repository's find-by-id statement makes (the same function works it out).
const STATEMENT = statementSpan(
  'opportunity_find_by_id',
  'select "o"."id" from "opportunity" as "o" where "o"."id" = $1',
);
const DATABASE = { 'db.namespace': 'opportunities', 'server.address': '127.0.0.1', 'server.port': 5432 };
const query = () => Promise.resolve({ rows: [] });

type Variant = 'without' | 'ratio-0.1' | 'full';

async function main(): Promise<void> {
  const receiver = await startOtlpReceiver({ decode: false });
  const settings = (sampler: string, ratio: number) => ({
    exporter: { url: `${receiver.endpoint}/v1/traces`, json: false, timeoutMs: 10_000 },
    queue: { size: 2048, batch: 512, delayMs: 50 },
    sampling: { sampler, ratio },
    resource: { 'service.name': 'overhead-bench' },
  });
  const tracings = {
    'ratio-0.1': startTracing(settings('parentbased_traceidratio', 0.1), counts),
    full: startTracing(settings('parentbased_always_on', 1), counts),
  };
  const clients = {
    'ratio-0.1': tracings['ratio-0.1'].clientSpans(DATABASE),
    full: tracings.full.clientSpans(DATABASE),
  };

  const run = async (variant: Variant): Promise<number> => {
    const started = process.cpuUsage();
    for (let i = 0; i < REQUESTS; i += 1) {
      if (variant === 'without') {
        await query();
        if (i % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      await tracings[variant].requests.serve({}, request, async (span) => {
        await clients[variant](STATEMENT.name, STATEMENT.attributes, query);
        // What the access log reads, then the end of the request.
        if (span.traceId.length + span.spanId.length === 0) throw new Error('no ids');
        span.end('/api/v1/opportunities/:id', 200);
      });
      // Let the batch processor export between requests, as a server's event loop does.
      if (i % 8 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    // Spans still queued are part of the cost: let them be exported before stopping the clock
    // (idle waiting uses no CPU).
    if (variant !== 'without') await new Promise((resolve) => setTimeout(resolve, 300));
    const used = process.cpuUsage(started);
    return (used.user + used.system) / REQUESTS;
  };

  const variants: Variant[] = ['without', 'ratio-0.1', 'full'];
  const results: Record<Variant, number[]> = { without: [], 'ratio-0.1': [], full: [] };
  await run('full'); // warm-up: JIT and the exporter's first connection
  await run('ratio-0.1');
  for (let round = 0; round < ROUNDS; round += 1) {
    for (let i = 0; i < variants.length; i += 1) {
      const variant = variants[(round + i) % variants.length] as Variant;
      results[variant].push(await run(variant));
    }
  }
  await Promise.all([tracings['ratio-0.1'].shutdown(10_000), tracings.full.shutdown(10_000)]);
  await receiver.close();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const base = median(results.without);
  console.log(`${REQUESTS} simulated GET /:id per run, ${ROUNDS} interleaved rounds, ${new Date().toISOString()}`);
  for (const variant of variants) {
    const xs = results[variant];
    const extra = variant === 'without' ? '' : `  tracing adds ${(median(xs) - base).toFixed(1)} µs/request`;
    console.log(
      `${variant.padEnd(10)} ${median(xs).toFixed(1)} µs CPU/request (${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)})${extra}`,
    );
  }
  console.log(
    `spans exported ${tally.exported}, dropped ${tally.dropped}; the receiver (in this process, counting only): ` +
      `${receiver.accepted.requests} export requests, ${(receiver.accepted.bytes / 2 ** 20).toFixed(1)} MiB`,
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
