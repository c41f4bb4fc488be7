import type { Pool } from 'pg';

export type ReplicaState = 'up' | 'lagging' | 'down';

export interface ReplicaStatus {
  /** `replica-1`, `replica-2`… in DATABASE_REPLICA_URLS order (never the URL: it may hold a password). */
  readonly name: string;
  readonly state: ReplicaState;
  /** Estimated replication lag at the last check; null when the replica did not answer. */
  readonly lagMs: number | null;
}

export interface Replica {
  readonly name: string;
  pool(): Pool | Promise<Pool>;
}

export interface ReplicaSetOptions {
  readonly maxLagMs: number;
  readonly checkIntervalMs: number;
  /** Longest a check may take before the replica counts as down. */
  readonly probeTimeoutMs: number;
  readonly onStateChange?: (status: ReplicaStatus, previous: ReplicaState) => void;
}

interface Tracked {
  readonly replica: Replica;
  state: ReplicaState;
  lagMs: number | null;
}

/**
 * Hot standbys that may serve reads. A background check asks each one for its replay position
 * and compares it with the primary's WAL position: a standby that is unreachable, no longer in
 * recovery, or behind by more than `maxLagMs` is left out until a later check finds it healthy
 * again. Reads take the usable standbys in turn (round robin); none usable means the primary.
 */
export class ReplicaSet {
  private readonly tracked: Tracked[];
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly primary: () => Promise<Pool>,
    replicas: readonly Replica[],
    private readonly options: ReplicaSetOptions,
  ) {
    // Unchecked standbys are not trusted: the first check (run at start) decides.
    this.tracked = replicas.map((replica) => ({ replica, state: 'down', lagMs: null }));
  }

  get size(): number {
    return this.tracked.length;
  }

  async start(): Promise<void> {
    if (this.tracked.length === 0) return;
    await this.check();
    this.timer = setInterval(() => void this.check(), this.options.checkIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The next usable standby, or undefined when reads must go to the primary. */
  pick(): Replica | undefined {
    const count = this.tracked.length;
    for (let i = 0; i < count; i++) {
      const candidate = this.tracked[(this.next + i) % count] as Tracked;
      if (candidate.state === 'up') {
        this.next = (this.next + i + 1) % count;
        return candidate.replica;
      }
    }
    return undefined;
  }

  /** A read failed on this standby because it is unreachable: skip it until a check finds it back. */
  markDown(replica: Replica): void {
    const tracked = this.tracked.find((t) => t.replica === replica);
    if (tracked) this.set(tracked, 'down', null);
  }

  statuses(): ReplicaStatus[] {
    return this.tracked.map(({ replica, state, lagMs }) => ({ name: replica.name, state, lagMs }));
  }

  /** One round of checks; concurrent callers share it. */
  check(): Promise<void> {
    this.checking ??= this.checkAll().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async checkAll(): Promise<void> {
    const primaryLsn = await this.withTimeout(async () => {
      const pool = await this.primary();
      const { rows } = await pool.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
      return rows[0]?.lsn;
    }).catch(() => undefined);
    await Promise.all(this.tracked.map((tracked) => this.checkOne(tracked, primaryLsn)));
  }

  private async checkOne(tracked: Tracked, primaryLsn: string | undefined): Promise<void> {
    try {
      const row = await this.withTimeout(async () => {
        const pool = await tracked.replica.pool();
        const { rows } = await pool.query<StandbyRow>(STANDBY_PROBE);
        return rows[0];
      });
      if (!row?.standby) {
        // Promoted or misconfigured: its data no longer follows the primary.
        this.set(tracked, 'down', null);
        return;
      }
      const lagMs = lagOf(row, primaryLsn);
      this.set(tracked, lagMs <= this.options.maxLagMs ? 'up' : 'lagging', lagMs);
    } catch {
      this.set(tracked, 'down', null);
    }
  }

  private set(tracked: Tracked, state: ReplicaState, lagMs: number | null): void {
    const previous = tracked.state;
    tracked.state = state;
    tracked.lagMs = lagMs;
    if (previous !== state) this.options.onStateChange?.({ name: tracked.replica.name, state, lagMs }, previous);
  }

  private async withTimeout<T>(work: () => Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('replica check timed out')), this.options.probeTimeoutMs);
    });
    try {
      return await Promise.race([work(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

interface StandbyRow {
  readonly standby: boolean;
  readonly replay_lsn: string | null;
  readonly replay_age_ms: number | null;
}

const STANDBY_PROBE = `select pg_is_in_recovery() as standby, pg_last_wal_replay_lsn()::text as replay_lsn,
  (extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000)::float8 as replay_age_ms`;

/**
 * A standby that has replayed everything the primary had written when the check began is not
 * behind at all, however long ago the last transaction was. Otherwise the age of the last
 * replayed transaction bounds how stale its data is.
 */
function lagOf(row: StandbyRow, primaryLsn: string | undefined): number {
  if (primaryLsn !== undefined && row.replay_lsn !== null && lsn(row.replay_lsn) >= lsn(primaryLsn)) return 0;
  return row.replay_age_ms ?? Number.POSITIVE_INFINITY;
}

/** `16/B374D848` → a comparable number. */
function lsn(text: string): bigint {
  const [high = '0', low = '0'] = text.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}
