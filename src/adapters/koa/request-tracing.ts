import type { IncomingHttpHeaders } from 'node:http';

/** What the HTTP layer tells the tracer about a request when it arrives (never headers' values but the trace's own). */
export interface ServerRequest {
  readonly method: string;
  readonly path: string;
  readonly scheme: string;
  readonly clientAddress: string;
  readonly userAgent: string | undefined;
  readonly protocolVersion: string;
}

/** The request's server span: its ids go into the access log, so logs and traces join. */
export interface ServerSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** False when the sampler decided not to record this trace (the ids are still propagated). */
  readonly sampled: boolean;
  /** Names the span by the route template (or leaves it at the method) and records the status. */
  end(route: string | undefined, status: number): void;
}

/**
 * Server spans, continued from the caller's `traceparent`/`tracestate`. The OpenTelemetry adapter
 * implements it and the composition root hands it in; without it no span is made at all.
 */
export interface RequestTracing {
  serve(
    headers: IncomingHttpHeaders,
    request: ServerRequest,
    handle: (span: ServerSpan) => Promise<void>,
  ): Promise<void>;
}

const TRACEPARENT = /^([\da-f]{2})-([\da-f]{32})-([\da-f]{16})-[\da-f]{2}(?:$|-)/;
const ZEROS = /^0+$/;

/**
 * The trace and parent span ids of a valid W3C `traceparent` (version ff and all-zero ids are
 * invalid), for the access log when tracing is off: a caller's trace still finds these lines.
 */
export function callerTrace(
  header: string | string[] | undefined,
): { traceId: string; parentSpanId: string } | undefined {
  if (typeof header !== 'string') return undefined;
  const match = TRACEPARENT.exec(header);
  if (!match) return undefined;
  const [, version, traceId, parentSpanId] = match as unknown as [string, string, string, string];
  if (version === 'ff' || (version === '00' && header.length !== 55)) return undefined;
  if (ZEROS.test(traceId) || ZEROS.test(parentSpanId)) return undefined;
  return { traceId, parentSpanId };
}
