import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import path from 'node:path';
import { expect } from 'chai';
import pg from 'pg';
import { ensureHaproxy, HAPROXY_CONFIG, type RunningHaproxy, startHaproxy } from '../../support/haproxy.js';
import { type ServiceProcess, spawnService, waitUntil } from '../../support/service-process.js';
import { signSimplejwtAccessToken } from '../../support/simplejwt-token.js';
import { freePort, testDatabaseUrl } from '../../support/test-database.js';
import { TEST_SECRET } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';
/** Behind the balancer of deploy/haproxy.cfg: at least check interval (500 ms) × fall (1), with margin. */
const INSTANCE_ENV = {
  SHUTDOWN_DRAIN_MS: '1500',
  TRUST_PROXY: 'true',
  KEEP_ALIVE_TIMEOUT_MS: '65000',
  // The load comes from one address and one user; budgets are not what this test is about.
  RATE_LIMIT_READS: '1000000000',
  RATE_LIMIT_WRITES: '1000000000',
};

interface Outcome {
  readonly status: number;
  readonly body: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

function send(agent: Agent, url: string, method: string, headers: Record<string, string>, body?: string) {
  return new Promise<Outcome>((resolve, reject) => {
    const req = request(url, { method, agent, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text, headers: response.headers }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const localGet = async (port: number, target: string) => (await fetch(`http://127.0.0.1:${port}${target}`)).status;

describe('Operations: rolling restart of two instances behind HAProxy (no retries), over HTTPS', function () {
  this.timeout(180_000);
  const instances: ServiceProcess[] = [];
  let balancer: RunningHaproxy | undefined;

  before(function () {
    const missing = ensureHaproxy();
    if (missing === undefined) return;
    if (process.env.CI) throw new Error(`HAProxy is required in CI: ${missing}`);
    console.warn(`\n  !!! SKIPPING the rolling-restart test: ${missing}\n`);
    this.skip();
  });
  after(async () => {
    await balancer?.stop();
    for (const instance of instances) instance.kill();
  });

  it('uses deploy/haproxy.cfg exactly as docs/operations.md shows it', async () => {
    const config = await readFile(HAPROXY_CONFIG, 'utf8');
    const operations = await readFile(path.resolve(import.meta.dirname, '../../../docs/operations.md'), 'utf8');
    expect(operations).to.contain(config.trim());
  });

  it('loses no request and no acknowledged write while each instance is restarted in turn', async () => {
    const databaseUrl = await testDatabaseUrl();
    const ports = [await freePort(), await freePort()] as const;
    const start = (port: number) => {
      const instance = spawnService(port, databaseUrl, INSTANCE_ENV);
      instances.push(instance);
      return instance;
    };
    let running = ports.map(start);
    for (const port of ports) await waitUntil(async () => (await localGet(port, '/health')) === 200, 30_000, 'ready');
    balancer = await startHaproxy(await freePort(), ports);
    const base = balancer.url;
    const token = await signSimplejwtAccessToken(TEST_SECRET, { userId: 'rolling-user' });
    const probe = new Agent({ keepAlive: true, rejectUnauthorized: false });
    await waitUntil(async () => (await send(probe, `${base}/health`, 'GET', {})).status === 200, 10_000, 'balanced');

    // Through TLS termination: HSTS applies and page links stay relative.
    const first = await send(probe, `${base}${PATH}?limit=1`, 'GET', {});
    expect(first.headers['strict-transport-security']).to.equal('max-age=31536000');
    const post = (agent: Agent, title: string) =>
      send(
        agent,
        `${base}${PATH}`,
        'POST',
        { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        JSON.stringify({ title, description: 'During a restart.', category: 'rolling' }),
      );
    for (const title of ['Seed 1', 'Seed 2']) expect((await post(probe, title)).status).to.equal(201);
    const paged = JSON.parse((await send(probe, `${base}${PATH}?limit=1`, 'GET', {})).body) as { next: string };
    // Relative, so the client resolves it on the https origin it used; never http:// from a Host.
    expect(paged.next).to.match(/^\/api\/v1\/opportunities\?limit=1&cursor=/);

    let loading = true;
    const failures: string[] = [];
    const acknowledged: string[] = [];
    let completed = 0;
    const client = async (index: number) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: false });
      const writer = index % 2 === 0;
      while (loading) {
        try {
          const outcome = writer
            ? await post(agent, `Rolling ${index}`)
            : await send(agent, `${base}${PATH}?limit=5`, 'GET', {});
          completed += 1;
          if (outcome.status === (writer ? 201 : 200)) {
            if (writer) acknowledged.push((JSON.parse(outcome.body) as { id: string }).id);
          } else {
            failures.push(`${outcome.status} ${outcome.body.slice(0, 100)}`);
          }
        } catch (error) {
          failures.push(String(error));
        }
      }
      agent.destroy();
    };
    const clients = Array.from({ length: 20 }, (_, index) => client(index));

    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const [slot, port] of ports.entries()) {
      const instance = running[slot] as ServiceProcess;
      instance.child.kill('SIGTERM');
      // Readiness fails at once, liveness does not, while the instance keeps serving.
      await waitUntil(async () => (await localGet(port, '/health')) === 503, 3_000, 'readiness 503');
      expect(await localGet(port, '/health/live')).to.equal(200);
      const { code } = await instance.exited;
      expect(code, instance.stderr()).to.equal(0);
      const restarted = start(port);
      running = running.map((current, index) => (index === slot ? restarted : current));
      await waitUntil(async () => (await localGet(port, '/health')) === 200, 30_000, 'restarted');
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // rise 2 × 500 ms, and some traffic
    }
    loading = false;
    await Promise.all(clients);

    console.info(
      `      rolling restart: ${completed} requests, ${acknowledged.length} writes acknowledged, ${failures.length} failed`,
    );
    expect(completed).to.be.greaterThan(200);
    const log = balancer
      .output()
      .split('\n')
      .filter((line) => !/ 200 | 201 /.test(line));
    expect(
      failures.slice(0, 5),
      `${failures.length} of ${completed} failed\n${log.slice(-15).join('\n')}`,
    ).to.deep.equal([]);
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const stored = await db.query<{ n: number }>('select count(*)::int as n from opportunity where id = any($1)', [
        acknowledged,
      ]);
      expect(stored.rows[0]?.n).to.equal(acknowledged.length);
    } finally {
      await db.end();
    }
    probe.destroy();
  });
});
