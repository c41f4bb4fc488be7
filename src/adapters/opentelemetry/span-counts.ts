import { createNoopMeter, type Meter, type MeterProvider, type MetricAttributes } from '@opentelemetry/api';

/** Where the outcome of span export is reported (the Prometheus adapter counts it). */
export interface SpanCounts {
  spansExported(count: number): void;
  /** `queue_full`: the collector was slower than the service (or away) and the queue was full; `export_failed`: the collector refused, failed or timed out. */
  spansDropped(count: number, reason: 'queue_full' | 'export_failed'): void;
}

// The span processor's own metric (OpenTelemetry SDK self-observability semantic conventions).
const PROCESSED = 'otel.sdk.processor.span.processed';

/**
 * A MeterProvider that the batch span processor reports to: of its instruments only the processed
 * counter is kept, and each addition goes to `counts` (error.type `queue_full` when the queue was
 * full, another error when an export failed). The other instruments are the API's no-ops: the
 * service has no OpenTelemetry metrics pipeline, its metrics are Prometheus'.
 */
export function spanCountingMeterProvider(counts: SpanCounts): MeterProvider {
  const noop = createNoopMeter();
  // The no-op meter's methods keep no state, so an object inheriting them can replace one.
  const meter = Object.create(noop) as Meter;
  meter.createCounter = <A extends MetricAttributes>(name: string) => {
    if (name !== PROCESSED) return noop.createCounter<A>(name);
    return {
      add: (count: number, attributes?: A) => {
        const error = attributes?.['error.type'];
        if (error === undefined) counts.spansExported(count);
        else counts.spansDropped(count, error === 'queue_full' ? 'queue_full' : 'export_failed');
      },
    };
  };
  return { getMeter: () => meter };
}
