import net from 'node:net';

/**
 * A loopback TCP proxy in front of PostgreSQL that reads the client side of the wire protocol and
 * counts what the application asks for: simple queries ('Q') and extended-protocol executions
 * ('E'), with the SQL text of each 'Q' and 'P' (parse). Works with any server, no extension needed.
 */
export interface StatementCounter {
  readonly port: number;
  /** Statements executed since the last reset, and the most frequent SQL texts. */
  snapshot(): { statements: number; byText: [string, number][] };
  reset(): void;
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;

export function startStatementCounter(target: { host: string; port: number }): Promise<StatementCounter> {
  let statements = 0;
  let texts = new Map<string, number>();
  const sockets = new Set<net.Socket>();
  const count = (sql: string) => {
    const text = sql.replace(/\s+/g, ' ').trim().slice(0, 160);
    texts.set(text, (texts.get(text) ?? 0) + 1);
  };

  const server = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    sockets.add(client).add(upstream);
    let startup = true;
    let buffered = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        if (startup) {
          if (buffered.length < 8) break;
          const length = buffered.readInt32BE(0);
          if (buffered.length < length) break;
          const code = buffered.readInt32BE(4);
          buffered = buffered.subarray(length);
          startup = code === SSL_REQUEST || code === GSS_REQUEST;
          continue;
        }
        if (buffered.length < 5) break;
        const type = String.fromCharCode(buffered[0] ?? 0);
        const length = buffered.readInt32BE(1);
        if (buffered.length < length + 1) break;
        const body = buffered.subarray(5, length + 1);
        if (type === 'Q' || type === 'E') statements += 1;
        if (type === 'Q') count(body.toString('utf8', 0, body.indexOf(0)));
        if (type === 'P') {
          const nameEnd = body.indexOf(0);
          count(body.toString('utf8', nameEnd + 1, body.indexOf(0, nameEnd + 1)));
        }
        buffered = buffered.subarray(length + 1);
      }
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        snapshot: () => ({ statements, byText: [...texts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8) }),
        reset: () => {
          statements = 0;
          texts = new Map();
        },
        close: () =>
          new Promise((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
