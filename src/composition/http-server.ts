import type { Server } from 'node:http';
import type Koa from 'koa';

export interface ServerTimeouts {
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
}

export function listen(app: Koa, host: string, port: number, timeouts?: ServerTimeouts): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    if (timeouts) {
      // Slow or stalled clients cannot hold sockets open indefinitely.
      server.requestTimeout = timeouts.requestTimeoutMs;
      server.headersTimeout = timeouts.headersTimeoutMs;
      server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
    }
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

/**
 * Stops accepting connections and lets in-flight requests finish; idle keep-alive connections are
 * closed at once, and whatever is still running after `timeoutMs` is cut off.
 */
export function drain(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    deadline.unref();
    server.close(() => {
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
