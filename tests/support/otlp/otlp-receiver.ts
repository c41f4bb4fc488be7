import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { decodeJsonRequest, decodeProtobufRequest, type ReceivedSpan } from './otlp-trace-request.js';

/** How the receiver answers: as a collector should, never, or with a retryable server error. */
export type ReceiverBehaviour = 'accept' | 'hang' | 'fail';

export interface OtlpReceiver {
  /** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  readonly endpoint: string;
  readonly spans: ReceivedSpan[];
  /** Content types of the export requests received, in order. */
  readonly requests: string[];
  /** Every request body as received (after gzip), to search for material that must never be sent. */
  readonly rawBodies: Buffer[];
  /** Export requests answered 200, and their bytes (counted in both modes). */
  readonly accepted: { requests: number; bytes: number };
  behave(behaviour: ReceiverBehaviour): void;
  /** Waits until `predicate` holds for the received spans (polling), or fails after `timeoutMs`. */
  waitFor(predicate: (spans: readonly ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * An OTLP/HTTP trace receiver as the OTLP specification defines it: `POST /v1/traces` with an
 * ExportTraceServiceRequest in `application/x-protobuf` or `application/json`, optionally gzip
 * encoded; answers 200 with an empty ExportTraceServiceResponse in the request's encoding, 415 for
 * another content type, 400 for a body it cannot decode. Stands in for an OpenTelemetry Collector,
 * Jaeger or Grafana Tempo (none installs here), for the tests and the bench.
 */
export async function startOtlpReceiver(options: { decode?: boolean } = {}): Promise<OtlpReceiver> {
  // The bench only counts: decoding every span would take CPU from the service it measures.
  const decode = options.decode ?? true;
  const accepted = { requests: 0, bytes: 0 };
  const spans: ReceivedSpan[] = [];
  const requests: string[] = [];
  const rawBodies: Buffer[] = [];
  const sockets = new Set<Socket>();
  let behaviour: ReceiverBehaviour = 'accept';

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer) => {
    if (behaviour === 'hang') return; // never answers: the exporter's timeout must end it
    if (req.method !== 'POST' || req.url !== '/v1/traces') return answer(res, 404, 'text/plain', 'not found');
    if (behaviour === 'fail') return answer(res, 503, 'text/plain', 'unavailable');
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    if (!decode && (type === 'application/x-protobuf' || type === 'application/json')) {
      accepted.requests += 1;
      accepted.bytes += body.length;
      return answer(res, 200, type, type === 'application/json' ? '{}' : Buffer.alloc(0));
    }
    try {
      const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
      if (type === 'application/x-protobuf') {
        spans.push(...decodeProtobufRequest(raw));
        answer(res, 200, type, Buffer.alloc(0));
      } else if (type === 'application/json') {
        spans.push(...decodeJsonRequest(raw.toString('utf8')));
        answer(res, 200, type, '{}');
      } else {
        return answer(res, 415, 'text/plain', 'unsupported media type');
      }
      requests.push(type);
      rawBodies.push(raw);
      accepted.requests += 1;
      accepted.bytes += body.length;
    } catch (error) {
      answer(res, 400, 'text/plain', `bad request: ${String(error)}`);
    }
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    requests,
    rawBodies,
    accepted,
    behave: (next) => {
      behaviour = next;
    },
    waitFor: async (predicate, timeoutMs = 5_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(spans)) {
        if (Date.now() > deadline)
          throw new Error(`spans not received within ${timeoutMs} ms (${spans.length} so far)`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function answer(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}
