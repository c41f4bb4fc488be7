import { context, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';

/** Attributes of a client span: constants of the call only, never a value it carries. */
export type ClientAttributes = Readonly<Record<string, string | number>>;

/** Runs one call to a dependency inside a client span (the adapters declare this shape themselves). */
export type TracedCall = <T>(name: string, attributes: ClientAttributes, call: () => Promise<T>) => Promise<T>;

/**
 * Client spans under the request's span. A call outside a recorded span (an unsampled request,
 * housekeeping) runs as it is: no span object is made, which keeps sampled-out requests cheap.
 * A failure records its type only (an SQLSTATE or error code, or the error's class), never its
 * message: database messages can quote the values that caused them.
 */
export function tracedCall(tracer: Tracer, common: ClientAttributes): TracedCall {
  return (name, attributes, call) => {
    const parent = context.active();
    if (!trace.getSpan(parent)?.isRecording()) return call();
    const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
    span.setAttributes(common);
    return call().then(
      (result) => {
        span.end();
        return result;
      },
      (error: unknown) => {
        span.setAttribute('error.type', errorType(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        throw error;
      },
    );
  };
}

function errorType(error: unknown): string {
  if (typeof error !== 'object' || error === null) return 'unknown';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[\w.-]{1,64}$/.test(code)) return code;
  return (error as { name?: unknown }).name === undefined ? 'Error' : String((error as { name: unknown }).name);
}
