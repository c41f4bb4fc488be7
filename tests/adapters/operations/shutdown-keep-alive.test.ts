import { Agent, request } from 'node:http';
import type { Socket } from 'node:net';
import { expect } from 'chai';
import pg from 'pg';
import { spawnService, waitUntil } from '../../support/service-process.js';
import { freePort, testDatabaseUrl } from '../../support/test-database.js';

interface Answer {
  readonly status: number;
  readonly connection: string | undefined;
  readonly at: number;
  readonly socket: Socket;
}

function get(agent: Agent, port: number, target: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: target, agent }, (response) => {
      response.resume();
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          connection: response.headers.connection,
          at: Date.now(),
          socket: req.socket as Socket,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const closed = (socket: Socket): Promise<number> =>
  new Promise((resolve) => (socket.destroyed ? resolve(Date.now()) : socket.once('close', () => resolve(Date.now()))));

describe('Operations: shutdown with keep-alive clients', function () {
  this.timeout(30_000);

  it('closes idle keep-alive sockets at once, answers in-flight requests with Connection: close, exits within 1 s', async () => {
    const databaseUrl = await testDatabaseUrl();
    const port = await freePort();
    const service = spawnService(port, databaseUrl, { KEEP_ALIVE_TIMEOUT_MS: '30000' });
    const exited = service.exited.then(({ at }) => at);
    const locker = new pg.Client({ connectionString: databaseUrl });
    const agent = new Agent({ keepAlive: true, maxSockets: 20 });
    try {
      await waitUntil(async () => (await get(agent, port, '/health/live')).status === 200, 15_000, 'listening');
      // Six keep-alive connections that then sit idle.
      const idle = await Promise.all(Array.from({ length: 6 }, () => get(agent, port, '/health/live')));
      const idleSockets = [...new Set(idle.map((answer) => answer.socket))];
      expect(idleSockets.length).to.be.greaterThan(1);
      const idleClosed = idleSockets.map(closed);

      await locker.connect();
      await locker.query('begin');
      await locker.query('lock table opportunity in access exclusive mode');
      const inFlight = get(new Agent({ keepAlive: true }), port, '/api/v1/opportunities?limit=1');
      await new Promise((resolve) => setTimeout(resolve, 300));

      const signalled = Date.now();
      service.child.kill('SIGTERM');
      const idleClosedAt = await Promise.all(idleClosed);
      for (const at of idleClosedAt) expect(at - signalled, 'idle socket closed at once').to.be.below(500);

      await new Promise((resolve) => setTimeout(resolve, 300));
      await locker.query('commit');
      const answer = await inFlight;
      expect(answer.status).to.equal(200);
      expect(answer.connection).to.equal('close');
      const exitedAfterMs = (await exited) - answer.at;
      console.info(`      shutdown: exited ${exitedAfterMs} ms after the last in-flight response`);
      expect(exitedAfterMs, service.stderr()).to.be.below(1_000);
      expect((await service.exited).code, service.stderr()).to.equal(0);
    } finally {
      agent.destroy();
      await locker.end().catch(() => undefined);
      service.kill();
    }
  });
});
