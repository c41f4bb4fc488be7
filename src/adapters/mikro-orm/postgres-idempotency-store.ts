import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type {
  CommitOutcome,
  IdempotencyRecord,
  IdempotencyStore,
  IdempotentChange,
  IdempotentCommit,
  ScopedKey,
} from '../../application/idempotency/idempotency-store.port.js';
import { ConflictError } from '../../domain/domain-errors.js';
import type { Opportunity } from '../../domain/opportunity/opportunity.js';
import { guardDatabase } from './database-errors.js';

const RECORD_COLUMNS = `fingerprint, response_status, response_headers::text as response_headers, response_body,
  (extract(epoch from expires_at) * 1000)::float8 as expires_ms`;

const FIND = `select ${RECORD_COLUMNS} from idempotency_key
  where user_id = $1 and idempotency_key = $2 and expires_at > $3`;

const LOCK = 'select pg_try_advisory_xact_lock($1::bigint) as held';

// Claims the key unless a live record holds it; an expired record is replaced in place.
const CLAIM = `insert into idempotency_key as k (user_id, idempotency_key, fingerprint, response_status,
    response_headers, response_body, created_at, expires_at)
  select $2::varchar, $3::varchar, $4::varchar, $5::smallint, $6::jsonb, $7::text, $8::timestamptz, $9::timestamptz`;
const ON_CONFLICT = `on conflict (user_id, idempotency_key) do update set fingerprint = excluded.fingerprint,
    response_status = excluded.response_status, response_headers = excluded.response_headers,
    response_body = excluded.response_body, created_at = excluded.created_at, expires_at = excluded.expires_at
  where k.expires_at <= excluded.created_at
  returning 1`;

/**
 * A create with a key is ONE statement, hence one transaction: take the key's advisory lock
 * without waiting, claim the key, and insert the opportunity only if the claim succeeded.
 */
const CREATE = `with lock as (${LOCK}),
  claim as (${CLAIM} from lock where held ${ON_CONFLICT}),
  created as (
    insert into opportunity (id, title, description, category, location, tags, status, deadline, created_by,
      created_at, updated_at, version)
    select $10::uuid, $11::varchar, $12::text, $13::varchar, $14::varchar, $15::text[], $16::varchar, $17::date,
      $18::varchar, $19::timestamptz, $20::timestamptz, $21::integer from claim
    returning 1)
  select (select held from lock) as held, exists (select 1 from claim) as claimed`;

const RECORD = `insert into idempotency_key as k (user_id, idempotency_key, fingerprint, response_status,
    response_headers, response_body, created_at, expires_at)
  values ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) ${ON_CONFLICT}`;
const UPDATE = `update opportunity set title = $3, description = $4, category = $5, location = $6, tags = $7,
  status = $8, deadline = $9, updated_at = $10, version = $11 where id = $1 and version = $2`;
// With a version, only that version is deleted: a revision committed since the If-Match check stays.
const DELETE = 'delete from opportunity where id = $1 and ($2::integer is null or version = $2::integer)';
const EXISTS = 'select 1 from opportunity where id = $1';

const PURGE = `delete from idempotency_key k using (
    select user_id, idempotency_key from idempotency_key where expires_at <= $1
    order by expires_at limit $2 for update skip locked) expired
  where k.user_id = expired.user_id and k.idempotency_key = expired.idempotency_key`;

const UNIQUE_VIOLATION = '23505';

interface RecordRow extends QueryResultRow {
  readonly fingerprint: string;
  readonly response_status: number;
  readonly response_headers: string;
  readonly response_body: string;
  readonly expires_ms: number;
}

/**
 * Idempotency records in PostgreSQL, so every instance on one database sees the same keys.
 * "In flight" is a transaction-scoped advisory lock on the key: whoever holds it is between
 * claiming the key and committing. Other requests never wait for it (pg_try_advisory_xact_lock)
 * and answer 409; the lock disappears with the transaction, even if the instance dies. The
 * primary key (user_id, idempotency_key) is what finally guarantees one record, hence one write,
 * per key.
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  private pool: Pool | undefined;

  constructor(private readonly orm: MikroORM) {}

  async find(key: ScopedKey, now: Date): Promise<IdempotencyRecord | null> {
    const { rows } = await this.run<RecordRow>('idem_find', FIND, [key.userId, key.key, now]);
    return rows[0] ? recordOf(rows[0]) : null;
  }

  async commit(commit: IdempotentCommit): Promise<CommitOutcome> {
    // A record found by the claim can expire and be purged before it is read: then claim again.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const outcome =
        commit.change.kind === 'insert'
          ? await this.create(commit, commit.change.opportunity)
          : await this.inTransaction(commit, commit.change);
      if (outcome !== 'taken') return outcome;
      const record = await this.find(commit.key, commit.now);
      if (record) return { kind: 'recorded', record };
    }
    throw new Error('idempotency key kept changing under the request');
  }

  async purgeExpired(now: Date, limit: number): Promise<number> {
    return (await this.run('idem_purge', PURGE, [now, limit])).rowCount ?? 0;
  }

  private async create(commit: IdempotentCommit, o: Opportunity): Promise<CommitOutcome | 'taken'> {
    try {
      const { rows } = await this.run<{ held: boolean; claimed: boolean }>('idem_create', CREATE, [
        ...recordParams(commit),
        ...[o.id, o.title, o.description, o.category, o.location, o.tags, o.status, o.deadline, o.createdBy],
        ...[o.createdAt, o.updatedAt, o.version],
      ]);
      const { held, claimed } = rows[0] as { held: boolean; claimed: boolean };
      if (!held) return { kind: 'in_flight' };
      return claimed ? { kind: 'committed' } : 'taken';
    } catch (error) {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) {
        throw new ConflictError(`Opportunity ${o.id} already exists`);
      }
      throw error;
    }
  }

  /** Updates and deletes need a condition checked between claim and record: an explicit transaction. */
  private async inTransaction(
    commit: IdempotentCommit,
    change: Exclude<IdempotentChange, { kind: 'insert' }>,
  ): Promise<CommitOutcome | 'taken'> {
    return guardDatabase(async () => {
      const client = await (await this.nativePool()).connect();
      let failure: unknown;
      try {
        await client.query('begin');
        const outcome = await this.applyLocked(client, commit, change);
        await client.query(outcome === 'commit' ? 'commit' : 'rollback');
        return outcome === 'commit' ? { kind: 'committed' } : outcome;
      } catch (error) {
        failure = error;
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        // A client that failed mid-transaction may be broken: destroy it rather than reuse it.
        client.release(failure instanceof Error ? failure : undefined);
      }
    });
  }

  private async applyLocked(
    client: PoolClient,
    commit: IdempotentCommit,
    change: Exclude<IdempotentChange, { kind: 'insert' }>,
  ): Promise<CommitOutcome | 'taken' | 'commit'> {
    const [lockId, ...record] = recordParams(commit);
    const lock = await client.query<{ held: boolean }>(LOCK, [lockId]);
    if (!lock.rows[0]?.held) return { kind: 'in_flight' };
    const existing = await client.query(FIND, [commit.key.userId, commit.key.key, commit.now]);
    if (existing.rowCount) return 'taken';
    if (change.kind === 'update') {
      const o = change.opportunity;
      const updated = await client.query(UPDATE, [
        ...[o.id, change.expectedVersion, o.title, o.description, o.category, o.location, o.tags, o.status],
        ...[o.deadline, o.updatedAt, o.version],
      ]);
      if (updated.rowCount === 0) return { kind: 'stale' };
    } else {
      const deleted = await client.query(DELETE, [change.id, change.expectedVersion ?? null]);
      // Nothing deleted but the row is there: it is at another version. A row gone is no obstacle.
      if (deleted.rowCount === 0 && change.expectedVersion !== undefined) {
        if ((await client.query(EXISTS, [change.id])).rowCount) return { kind: 'stale' };
      }
    }
    const claimed = await client.query(RECORD, record);
    // Under the lock nobody else can have recorded this key since the check above.
    if (claimed.rowCount === 0) return 'taken';
    return 'commit';
  }

  private async nativePool(): Promise<Pool> {
    this.pool ??= await this.orm.em.getConnection().getNativeClient();
    return this.pool;
  }

  private async run<R extends QueryResultRow>(name: string, text: string, values: unknown[]) {
    return guardDatabase(async () => (await this.nativePool()).query<R>({ name, text, values }));
  }
}

/** Lock id first, then the record's columns in CLAIM's order. */
function recordParams(commit: IdempotentCommit): unknown[] {
  const { key, fingerprint, response, now, expiresAt } = commit;
  return [
    advisoryLockId(key),
    key.userId,
    key.key,
    fingerprint,
    response.status,
    JSON.stringify(response.headers),
    response.body,
    now,
    expiresAt,
  ];
}

/**
 * A 64-bit lock id from the scoped key. Two different keys sharing an id (odds ~2^-64 per pair
 * in flight together) would only make one of them answer 409 until the other commits.
 */
export function advisoryLockId(key: ScopedKey): string {
  return createHash('sha256')
    .update(JSON.stringify([key.userId, key.key]))
    .digest()
    .readBigInt64BE(0)
    .toString();
}

function recordOf(row: RecordRow): IdempotencyRecord {
  return {
    fingerprint: row.fingerprint,
    response: {
      status: row.response_status,
      headers: JSON.parse(row.response_headers) as Record<string, string>,
      body: row.response_body,
    },
    expiresAt: new Date(row.expires_ms),
  };
}
