import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './test-database.js';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/** Where Debian's PostgreSQL 15 tools are, or why they cannot be used here. */
export function replicaToolsMissing(): string | undefined {
  if (!existsSync(path.join(BIN, 'pg_basebackup'))) return `PostgreSQL 15 tools not found in ${BIN}`;
  if (userInfo().uid !== 0) return 'the replica test runs the tools as the postgres OS user and needs root';
  return undefined;
}

/**
 * A primary and a hot standby fed by streaming replication (`pg_basebackup -R -X stream`), each
 * on a free loopback port, in a temporary folder, run as the `postgres` OS user. Nothing touches
 * the machine's own cluster.
 */
export class StreamingReplicaCluster {
  private constructor(
    private readonly dir: string,
    readonly primaryPort: number,
    readonly standbyPort: number,
  ) {}

  static async start(database: string): Promise<StreamingReplicaCluster> {
    const dir = await mkdtemp(path.join(tmpdir(), 'opportunities-replica-'));
    await chmod(dir, 0o755);
    const cluster = new StreamingReplicaCluster(dir, await freePort(), await freePort());
    try {
      const { uid, gid } = await postgresIds();
      await chown(dir, uid, gid);
      await cluster.tool('initdb', '-D', cluster.dataDir('primary'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8');
      await cluster.startServer('primary', cluster.primaryPort, ['-c', 'wal_level=replica', '-c', 'max_wal_senders=4']);
      await cluster.primaryQuery(`create database "${database}"`);
      await cluster.tool(
        'pg_basebackup',
        ...['-h', '127.0.0.1', '-p', String(cluster.primaryPort), '-U', 'postgres'],
        // A fast checkpoint: the default spreads it over minutes.
        ...['-D', cluster.dataDir('standby'), '-R', '-X', 'stream', '-c', 'fast'],
      );
      await cluster.startStandby();
      return cluster;
    } catch (error) {
      await cluster.destroy();
      throw error;
    }
  }

  url(which: 'primary' | 'standby', database: string): string {
    const port = which === 'primary' ? this.primaryPort : this.standbyPort;
    return `postgres://postgres@127.0.0.1:${port}/${database}`;
  }

  startStandby(): Promise<void> {
    return this.startServer('standby', this.standbyPort, ['-c', 'hot_standby=on']);
  }

  /** Like a crash or a pulled cable: no shutdown checkpoint, connections cut. */
  async killStandby(): Promise<void> {
    await this.tool('pg_ctl', '-D', this.dataDir('standby'), '-m', 'immediate', '-w', 'stop');
  }

  /** `pg_ctl stop` of the primary in the given mode; `nowait` returns while it is shutting down. */
  async stopPrimary(mode: 'smart' | 'fast' | 'immediate', wait = true): Promise<void> {
    await this.tool('pg_ctl', '-D', this.dataDir('primary'), '-m', mode, wait ? '-w' : '-W', 'stop');
  }

  /** Whether the primary's postmaster has exited (a smart shutdown ends only when its last session does). */
  primaryStopped(): boolean {
    return !existsSync(path.join(this.dataDir('primary'), 'postmaster.pid'));
  }

  /** Starts the primary again after stopPrimary, with the settings it was created with. */
  startPrimary(): Promise<void> {
    return this.startServer('primary', this.primaryPort, ['-c', 'wal_level=replica', '-c', 'max_wal_senders=4']);
  }

  async destroy(): Promise<void> {
    for (const server of ['standby', 'primary'] as const) {
      if (existsSync(path.join(this.dataDir(server), 'postmaster.pid'))) {
        await this.tool('pg_ctl', '-D', this.dataDir(server), '-m', 'immediate', '-w', 'stop').catch(() => undefined);
      }
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  async primaryQuery(sql: string, database = 'postgres'): Promise<pg.QueryResult> {
    return query(this.url('primary', database), sql);
  }

  async standbyQuery(sql: string, database = 'postgres'): Promise<pg.QueryResult> {
    return query(this.url('standby', database), sql);
  }

  private dataDir(server: 'primary' | 'standby'): string {
    return path.join(this.dir, server);
  }

  private async startServer(server: 'primary' | 'standby', port: number, settings: string[]): Promise<void> {
    const options = [
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${this.dir}`,
    ];
    await this.tool(
      'pg_ctl',
      ...['-D', this.dataDir(server), '-l', path.join(this.dir, `${server}.log`), '-w', 'start'],
      ...['-o', [...options, ...settings].join(' ')],
    );
  }

  private async tool(name: string, ...args: string[]): Promise<void> {
    try {
      await run('runuser', ['-u', 'postgres', '--', path.join(BIN, name), ...args], { cwd: this.dir, timeout: 60_000 });
    } catch (error) {
      const { stderr } = error as { stderr?: string };
      throw new Error(`${name} failed: ${stderr?.trim() || String(error)}`, { cause: error });
    }
  }
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}
