import type { TracingConfig } from '../adapters/env/tracing-config.js';
import type { Logger } from '../adapters/logging/logger.port.js';
import type { OpenTelemetryTracing } from '../adapters/opentelemetry/open-telemetry-tracing.js';
import type { SpanCounts } from '../adapters/opentelemetry/span-counts.js';

const noCounts: SpanCounts = { spansExported: () => undefined, spansDropped: () => undefined };

/**
 * OpenTelemetry tracing when OTEL_* configures it. Loaded only then: with tracing off the SDK is
 * never imported and no request does any span work.
 */
export async function tracingFor(
  config: TracingConfig | undefined,
  counts: SpanCounts | undefined,
  logger: Logger,
): Promise<OpenTelemetryTracing | undefined> {
  if (!config) return undefined;
  const { startTracing } = await import('../adapters/opentelemetry/open-telemetry-tracing.js');
  const tracing = startTracing(
    {
      exporter: { url: config.tracesUrl, json: config.protocol === 'http/json', timeoutMs: config.exportTimeoutMs },
      queue: { size: config.maxQueueSize, batch: config.maxExportBatchSize, delayMs: config.scheduleDelayMs },
      sampling: { sampler: config.sampler, ratio: config.samplerRatio },
      resource: { ...config.resourceAttributes, 'service.name': config.serviceName },
    },
    counts ?? noCounts,
  );
  const { origin } = new URL(config.tracesUrl);
  logger.info(
    { collector: origin, protocol: config.protocol, sampler: config.sampler, ratio: config.samplerRatio },
    'traces are exported over OTLP/HTTP',
  );
  return tracing;
}

/** The attributes every PostgreSQL span carries: the database and the primary it runs on. */
export function databaseAttributes(databaseUrl: string): Record<string, string | number> {
  const url = new URL(databaseUrl);
  return {
    'db.system.name': 'postgresql',
    'db.namespace': decodeURIComponent(url.pathname.slice(1)) || 'postgres',
    'server.address': url.hostname,
    ...(url.port ? { 'server.port': Number(url.port) } : {}),
  };
}

/** Flushes the spans of the last requests within what is left of the shutdown budget. */
export function flushTracing(tracing: OpenTelemetryTracing, budgetMs: () => number, logger: Logger) {
  return async () => {
    const budget = Math.max(0, budgetMs());
    const outcome = await tracing.shutdown(budget);
    if (outcome !== 'flushed') logger.warn({ budgetMs: budget, outcome }, 'queued trace spans were not all exported');
  };
}
