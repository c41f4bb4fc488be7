import { randomUUID } from 'node:crypto';
import { context, ROOT_CONTEXT, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { type ClientAttributes, tracedCall, type TracedCall } from './client-spans.js';
import { samplerFor } from './sampler.js';
import { ServerSpans } from './server-spans.js';
import { type SpanCounts, spanCountingMeterProvider } from './span-counts.js';

/** What tracing needs, grouped by the SDK piece it configures (the composition root maps the configuration). */
export interface TracingSettings {
  /** The OTLP/HTTP traces URL, its encoding, and one request's time bound. */
  readonly exporter: { readonly url: string; readonly json: boolean; readonly timeoutMs: number };
  /** The bounded queue: what is held while the collector is slow or away, and how it is sent. */
  readonly queue: { readonly size: number; readonly batch: number; readonly delayMs: number };
  /** OTEL_TRACES_SAMPLER and its ratio. */
  readonly sampling: { readonly sampler: string; readonly ratio: number };
  /** service.name and the OTEL_RESOURCE_ATTRIBUTES. */
  readonly resource: Readonly<Record<string, string>>;
}

export interface OpenTelemetryTracing {
  /** Server spans for the HTTP adapter. */
  readonly requests: ServerSpans;
  /** Client spans (PostgreSQL, Redis, JWKS) under the request's span, with attributes every one of them carries. */
  clientSpans(common: ClientAttributes): TracedCall;
  /**
   * Exports what is queued, within `budgetMs`; spans still queued then are given up (the result
   * says so). Never waits longer, whatever the collector does.
   */
  shutdown(budgetMs: number): Promise<'flushed' | 'timed out' | 'failed'>;
}

let contextManagerInstalled = false;

/** The request's span reaches the statements it causes through AsyncLocalStorage (installed once per process). */
function installContextManager(): void {
  if (contextManagerInstalled) return;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager());
  contextManagerInstalled = true;
}

/**
 * Traces with the OpenTelemetry SDK wired explicitly: a sampler from OTEL_TRACES_SAMPLER, a
 * bounded batch processor, and the OTLP/HTTP exporter in the configured encoding. No
 * auto-instrumentation: the HTTP, PostgreSQL, Redis and JWKS adapters make their own spans through
 * small interfaces, so nothing is patched and a request pays only for the spans it records.
 */
export function startTracing(settings: TracingSettings, counts: SpanCounts): OpenTelemetryTracing {
  installContextManager();
  const { exporter: target, queue, sampling } = settings;
  const Exporter = target.json ? JsonExporter : ProtobufExporter;
  const exporter = new Exporter({ url: target.url, timeoutMillis: target.timeoutMs });
  const processor = new BatchSpanProcessor({
    exporter,
    maxQueueSize: queue.size,
    maxExportBatchSize: queue.batch,
    scheduledDelayMillis: queue.delayMs,
    // The exporter bounds each request; this bounds the whole export a little later.
    exportTimeoutMillis: target.timeoutMs + 1_000,
    selfObsMeterProvider: spanCountingMeterProvider(counts),
  });
  const provider = new TracerProvider({
    sampler: samplerFor(sampling.sampler, sampling.ratio),
    resource: defaultResource().merge(
      resourceFromAttributes({ 'service.instance.id': randomUUID(), ...settings.resource }),
    ),
    // A long User-Agent or route must not make a span large.
    spanLimits: { attributeValueLengthLimit: 512, attributeCountLimit: 64 },
    spanProcessors: [processor],
  });
  const tracer: Tracer = provider.getTracer('opportunities-service');
  return {
    requests: new ServerSpans(tracer),
    clientSpans: (common) => tracedCall(tracer, common),
    shutdown: (budgetMs) => shutdownWithin(provider, budgetMs),
  };
}

async function shutdownWithin(provider: TracerProvider, budgetMs: number): Promise<'flushed' | 'timed out' | 'failed'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), budgetMs);
    timer.unref();
  });
  // The flush's own requests must not become spans of whatever context shutdown runs in.
  const flushed = context
    .with(ROOT_CONTEXT, () => provider.shutdown())
    .then(
      () => 'flushed' as const,
      () => 'failed' as const,
    );
  try {
    return await Promise.race([flushed, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
