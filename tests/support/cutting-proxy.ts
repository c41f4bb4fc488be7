import { createServer, type Server, type Socket, connect } from 'node:net';

// PostgreSQL's ReadyForQuery message: 'Z', length 5. The server sends it after a statement
// (and, outside an explicit transaction, its commit) is complete.
const READY_FOR_QUERY = Buffer.from([0x5a, 0, 0, 0, 5]);

/**
 * A TCP proxy in front of PostgreSQL that can lose an answer: once armed, the next connection to
 * receive a completed statement's reply has that reply swallowed and both sides cut, so the
 * statement is committed but the service never hears about it — a dropped connection at the
 * worst moment.
 */
export class CuttingProxy {
  private server: Server | undefined;
  private armed = false;
  private readonly sockets = new Set<Socket>();
  cuts = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<number> {
    this.server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  /** Cut the next connection that receives a complete reply. */
  arm(): void {
    this.armed = true;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.targetPort, this.targetHost);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    let swallowing = false;
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      if (this.armed) swallowing = true;
      if (!swallowing) {
        client.write(chunk);
        return;
      }
      if (chunk.includes(READY_FOR_QUERY)) {
        this.armed = false;
        this.cuts += 1;
        client.destroy();
        upstream.destroy();
      }
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
