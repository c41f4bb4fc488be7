import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, openSync, closeSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { haproxyConfig, PG_BIN, patroniConfig, type PatroniNode } from './patroni-config.js';
import { freePort } from './test-database.js';
import { waitUntil } from './wait.js';

const run = promisify(execFile);
const NEEDED = ['/usr/bin/patroni', '/usr/bin/patronictl', '/usr/bin/etcd', '/usr/sbin/haproxy', `${PG_BIN}/initdb`];

/** Why the Patroni topology cannot run here (Debian: patroni etcd-server etcd-client python3-etcd haproxy). */
export function patroniMissing(): string | undefined {
  const absent = NEEDED.filter((file) => !existsSync(file));
  if (absent.length > 0) return `Patroni topology not installed (missing ${absent.join(', ')})`;
  if (userInfo().uid !== 0) return 'the Patroni test runs PostgreSQL as the postgres OS user and needs root';
  return undefined;
}

interface Node extends PatroniNode {
  readonly config: string;
  process: ChildProcess | undefined;
}

/**
 * Two PostgreSQL 15 nodes under Patroni 3 (synchronous_mode, ttl 10 s, loop_wait 2 s, pg_rewind),
 * one etcd member, and HAProxy routing the `primary` port by Patroni's GET /primary and the
 * `replica` port by GET /replica, all on loopback in a temporary folder. As in production:
 * clients see only HAProxy's ports.
 */
export class PatroniCluster {
  private etcd: ChildProcess | undefined;
  private haproxy: ChildProcess | undefined;

  private constructor(
    private readonly dir: string,
    private readonly nodes: readonly [Node, Node],
    private readonly etcdPorts: { client: number; peer: number },
    readonly primaryPort: number,
    readonly replicaPort: number,
  ) {}

  static async start(): Promise<PatroniCluster> {
    const dir = await mkdtemp(path.join(tmpdir(), 'opportunities-patroni-'));
    await chmod(dir, 0o755);
    const node = async (name: string): Promise<Node> => ({
      name,
      pgPort: await freePort(),
      restPort: await freePort(),
      config: path.join(dir, `${name}.yml`),
      dataDir: path.join(dir, name, 'data'),
      process: undefined,
    });
    const cluster = new PatroniCluster(
      dir,
      [await node('node1'), await node('node2')],
      { client: await freePort(), peer: await freePort() },
      await freePort(),
      await freePort(),
    );
    try {
      await cluster.bootstrap();
      return cluster;
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
  }

  url(port: 'primary' | 'replica', database: string): string {
    return `postgres://postgres@127.0.0.1:${port === 'primary' ? this.primaryPort : this.replicaPort}/${database}`;
  }

  /** The node Patroni's REST API reports as the leader (GET /primary answers 200), if any. */
  async leader(): Promise<string | undefined> {
    for (const node of this.nodes) {
      if (await answers(`http://127.0.0.1:${node.restPort}/primary`)) return node.name;
    }
    return undefined;
  }

  /**
   * A leader and the other node its synchronous standby, as the DCS says (GET /cluster): only
   * then can Patroni fail over to it (synchronous_mode never promotes a node out of sync).
   */
  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    await waitUntil(
      async () => {
        const leader = await this.leaderNode();
        if (!leader) return false;
        const response = await fetch(`http://127.0.0.1:${leader.restPort}/cluster`, {
          signal: AbortSignal.timeout(1_000),
        });
        const { members } = (await response.json()) as {
          members: Array<{ name: string; role: string; state: string }>;
        };
        return members.some(
          (m) => m.name !== leader.name && m.role === 'sync_standby' && /^(running|streaming)$/.test(m.state),
        );
      },
      { timeoutMs, intervalMs: 250, what: 'a Patroni leader with a synchronous standby' },
    );
  }

  private async leaderNode(): Promise<Node | undefined> {
    const name = await this.leader();
    return this.nodes.find((n) => n.name === name);
  }

  /** Like a power cut of the leader's machine: Patroni and its postmaster killed with SIGKILL. */
  async killLeader(): Promise<string> {
    const name = await this.leader();
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error('no leader to kill');
    const postmaster = Number((await readFile(path.join(node.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
    node.process?.kill('SIGKILL');
    if (postmaster > 0) process.kill(postmaster, 'SIGKILL');
    node.process = undefined;
    return node.name;
  }

  /** Starts a node's Patroni again (the killed leader rejoins as a standby, via pg_rewind). */
  async restart(name: string): Promise<void> {
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no node ${name}`);
    this.spawnPatroni(node);
  }

  /** `patronictl switchover` from the current leader to the other node, as planned maintenance does. */
  async switchover(): Promise<string> {
    const leader = await this.leader();
    const candidate = this.nodes.find((n) => n.name !== leader)?.name as string;
    await run(
      'patronictl',
      ['-c', this.nodes[0].config, 'switchover', '--leader', leader as string, '--candidate', candidate, '--force'],
      { timeout: 60_000 },
    );
    return candidate;
  }

  async query(sql: string, database = 'postgres'): Promise<pg.QueryResult> {
    const client = new pg.Client({ connectionString: this.url('primary', database), connectionTimeoutMillis: 3_000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  }

  async destroy(): Promise<void> {
    this.haproxy?.kill('SIGTERM');
    for (const node of this.nodes) {
      node.process?.kill('SIGKILL');
      const pidFile = path.join(node.dataDir, 'postmaster.pid');
      if (existsSync(pidFile)) {
        const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
        try {
          if (pid > 0) process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    this.etcd?.kill('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await rm(this.dir, { recursive: true, force: true });
  }

  /** What a node's Patroni logged (for a failing test's message). */
  async log(name: string): Promise<string> {
    return readFile(path.join(this.dir, `${name}.log`), 'utf8').catch(() => '');
  }

  private async bootstrap(): Promise<void> {
    const { uid, gid } = await postgresIds();
    const { client, peer } = this.etcdPorts;
    const etcdUrl = (port: number) => `http://127.0.0.1:${port}`;
    this.etcd = spawn(
      'etcd',
      [
        ...['--name', 'etcd1', '--data-dir', path.join(this.dir, 'etcd')],
        ...['--listen-client-urls', etcdUrl(client), '--advertise-client-urls', etcdUrl(client)],
        ...['--listen-peer-urls', etcdUrl(peer), '--initial-advertise-peer-urls', etcdUrl(peer)],
        ...['--initial-cluster', `etcd1=${etcdUrl(peer)}`, '--initial-cluster-state', 'new'],
      ],
      { stdio: ['ignore', this.logFile('etcd'), this.logFile('etcd')] },
    );
    await waitUntil(() => answers(`${etcdUrl(client)}/health`), { timeoutMs: 15_000, what: 'etcd' });
    const scope = `opportunities-${path.basename(this.dir)}`;
    for (const node of this.nodes) {
      await mkdir(path.dirname(node.dataDir), { recursive: true });
      await chown(path.dirname(node.dataDir), uid, gid);
      await writeFile(node.config, patroniConfig(scope, node, client, path.dirname(node.dataDir)));
      await chown(node.config, uid, gid);
    }
    // The first node bootstraps the cluster; the second clones it once a leader exists.
    this.spawnPatroni(this.nodes[0]);
    await waitUntil(async () => (await this.leader()) !== undefined, {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: 'the first Patroni node to become leader',
    });
    this.spawnPatroni(this.nodes[1]);
    await this.writeHaproxyConfig();
    this.haproxy = spawn('haproxy', ['-f', path.join(this.dir, 'haproxy.cfg'), '-db'], {
      stdio: ['ignore', this.logFile('haproxy'), this.logFile('haproxy')],
    });
    await this.waitHealthy();
    await waitUntil(async () => (await this.query('select 1').then(() => true)) === true, {
      timeoutMs: 15_000,
      intervalMs: 250,
      what: 'HAProxy to route to the leader',
    });
  }

  private spawnPatroni(node: Node): void {
    // setpriv execs Patroni itself, so the child's PID is Patroni's (for kill -9).
    node.process = spawn(
      'setpriv',
      ['--reuid=postgres', '--regid=postgres', '--init-groups', '/usr/bin/patroni', node.config],
      { stdio: ['ignore', this.logFile(node.name), this.logFile(node.name)], cwd: this.dir },
    );
  }

  private logFile(name: string): number {
    const fd = openSync(path.join(this.dir, `${name}.log`), 'a');
    // The child keeps its own copy of the descriptor.
    setTimeout(() => closeSync(fd), 1_000).unref();
    return fd;
  }

  private async writeHaproxyConfig(): Promise<void> {
    await writeFile(path.join(this.dir, 'haproxy.cfg'), haproxyConfig(this.nodes, this.primaryPort, this.replicaPort));
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
