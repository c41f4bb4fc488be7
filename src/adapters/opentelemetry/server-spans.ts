import type { IncomingHttpHeaders } from 'node:http';
import {
  context,
  defaultTextMapGetter,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { RequestTracing, ServerRequest, ServerSpan } from '../koa/request-tracing.js';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

/** The request's server span, as the access log and the end of the request see it. */
class RequestSpan implements ServerSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly sampled: boolean;

  constructor(
    private readonly span: Span,
    private readonly method: string,
    private readonly routes: Map<string, string>,
  ) {
    const ids = span.spanContext();
    this.traceId = ids.traceId;
    this.spanId = ids.spanId;
    this.sampled = span.isRecording();
  }

  end(route: string | undefined, status: number): void {
    const { span } = this;
    if (this.sampled) {
      if (route !== undefined) {
        const template = templateOf(route, this.routes);
        span.updateName(`${this.method} ${template}`);
        span.setAttribute('http.route', template);
      }
      span.setAttribute('http.response.status_code', status);
      // A server span is an error for 5xx only: a 4xx is the client's mistake, answered correctly.
      if (status >= 500) {
        span.setAttribute('error.type', String(status));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    }
    span.end();
  }
}

/** `/api/v1/opportunities/:id` → `/api/v1/opportunities/{id}`, as the OpenAPI contract writes it (cached: routes are few). */
function templateOf(route: string, routes: Map<string, string>): string {
  let template = routes.get(route);
  if (template === undefined) {
    template = route.replace(/:(\w+)/g, '{$1}');
    routes.set(route, template);
  }
  return template;
}

/**
 * One server span per request, continuing the caller's trace from `traceparent`/`tracestate`
 * (W3C Trace Context). Named by the method until routing is known, then by the route template.
 * Records the HTTP semantic-convention attributes; never a header value, the query string or the
 * body (a search's words and a cursor stay out of the trace).
 */
export class ServerSpans implements RequestTracing {
  private readonly propagator = new W3CTraceContextPropagator();
  private readonly routes = new Map<string, string>();

  constructor(private readonly tracer: Tracer) {}

  serve(
    headers: IncomingHttpHeaders,
    request: ServerRequest,
    handle: (span: ServerSpan) => Promise<void>,
  ): Promise<void> {
    const parent = this.propagator.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
    const known = KNOWN_METHODS.has(request.method);
    const method = known ? request.method : '_OTHER';
    const span = this.tracer.startSpan(
      method,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': method,
          ...(known ? {} : { 'http.request.method_original': request.method }),
          'url.path': request.path,
          'url.scheme': request.scheme,
          'client.address': request.clientAddress,
          'network.protocol.version': request.protocolVersion,
          ...(request.userAgent === undefined ? {} : { 'user_agent.original': request.userAgent }),
        },
      },
      parent,
    );
    return context.with(trace.setSpan(parent, span), handle, undefined, new RequestSpan(span, method, this.routes));
  }
}
