import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type {
  CommitOutcome,
  IdempotencyRecord,
  IdempotencyStore,
  IdempotentChange,
  IdempotentCommit,
  ScopedKey,
} from '../../../application/idempotency/idempotency-store.port.js';
import type { Opportunity } from '../../../domain/opportunity/opportunity.js';
import { duplicateIdAsConflict } from '../sql/database-errors.js';
import { type CreateRow, IdempotencyStatements, type RecordParams, type RecordRow } from './idempotency-statements.js';
import { OpportunityStatements, opportunityValues } from '../opportunities/opportunity-statements.js';
import type { OpportunityDatabase } from '../schema/database-tables.js';
import { bind } from '../sql/prepared-statement.js';
import { RoutedQueries, type RunQuery } from '../read-routing/routed-queries.js';

type Outcome = CommitOutcome | 'taken';

/**
 * Idempotency records in PostgreSQL, so every instance on one database sees the same keys.
 * "In flight" is a transaction-scoped advisory lock on the key: whoever holds it is between
 * claiming the key and committing. Other requests never wait for it (pg_try_advisory_xact_lock)
 * and answer 409; the lock disappears with the transaction, even if the instance dies. The
 * primary key (user_id, idempotency_key) is what finally guarantees one record, hence one write,
 * per key. Every statement runs on the primary, through the pools the repository uses.
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  private readonly statements: IdempotencyStatements;
  private readonly opportunities: OpportunityStatements;

  constructor(
    orm: MikroORM,
    private readonly queries: RoutedQueries = new RoutedQueries(orm),
  ) {
    // Used only to compile queries; statements run on the routed pools.
    const db = orm.em.fork().getKysely<OpportunityDatabase>();
    this.statements = new IdempotencyStatements(db);
    this.opportunities = new OpportunityStatements(db);
  }

  async find(key: ScopedKey, now: Date): Promise<IdempotencyRecord | null> {
    const { rows } = await this.queries.onPrimary<RecordRow>(bind(this.statements.find, { ...key, now }));
    return rows[0] ? recordOf(rows[0]) : null;
  }

  async commit(commit: IdempotentCommit): Promise<CommitOutcome> {
    // A record found by the claim can expire and be purged before it is read: then claim again.
    const { change } = commit;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const outcome =
        change.kind === 'insert'
          ? await this.create(commit, change.opportunity)
          : await this.queries.transaction(
              (run) => this.applyLocked(run, commit, change),
              (result) => result === 'commit',
              // Keyed: a second run finds the record the first one committed, if it did.
              'idempotent',
            );
      if (outcome !== 'taken') return outcome === 'commit' ? { kind: 'committed' } : outcome;
      const record = await this.find(commit.key, commit.now);
      if (record) return { kind: 'recorded', record };
    }
    throw new Error('idempotency key kept changing under the request');
  }

  async purgeExpired(now: Date, limit: number): Promise<number> {
    return (await this.queries.write(bind(this.statements.purge, { now, limit }), 'idempotent')).rowCount ?? 0;
  }

  private async create(commit: IdempotentCommit, opportunity: Opportunity): Promise<Outcome> {
    try {
      // Keyed: a second run finds the key claimed (by the first, if it committed) and the record.
      const { rows } = await this.queries.write<CreateRow>(
        bind(this.statements.create, { ...recordParams(commit), ...opportunityValues(opportunity) }),
        'idempotent',
      );
      const { held, claimed } = rows[0] as CreateRow;
      if (!held) return { kind: 'in_flight' };
      return claimed ? { kind: 'committed' } : 'taken';
    } catch (error) {
      throw duplicateIdAsConflict(error, opportunity.id);
    }
  }

  /** Updates and deletes need a condition checked between claim and record: an explicit transaction. */
  private async applyLocked(
    run: RunQuery,
    commit: IdempotentCommit,
    change: Exclude<IdempotentChange, { kind: 'insert' }>,
  ): Promise<Outcome | 'commit'> {
    const { statements, opportunities } = this;
    const record = recordParams(commit);
    const lock = await run<{ held: boolean }>(bind(statements.lock, record));
    if (!lock.rows[0]?.held) return { kind: 'in_flight' };
    const existing = await run(bind(statements.find, { ...commit.key, now: commit.now }));
    if (existing.rowCount) return 'taken';
    if (change.kind === 'update') {
      const { expectedVersion } = change;
      const updated = await run(
        bind(opportunities.update, { ...opportunityValues(change.opportunity), expectedVersion }),
      );
      if (updated.rowCount === 0) return { kind: 'stale' };
    } else if (change.expectedVersion === undefined) {
      await run(bind(opportunities.remove, { id: change.id }));
    } else {
      // With a version, only that version is deleted: a revision committed since the If-Match check stays.
      const { id, expectedVersion } = change;
      const deleted = await run(bind(opportunities.removeAtVersion, { id, expectedVersion }));
      // Nothing deleted but the row is there: it is at another version. A row gone is no obstacle.
      if (deleted.rowCount === 0 && (await run(bind(opportunities.findById, { id }))).rowCount) {
        return { kind: 'stale' };
      }
    }
    const claimed = await run(bind(statements.record, record));
    // Under the lock nobody else can have recorded this key since the check above.
    if (claimed.rowCount === 0) return 'taken';
    return 'commit';
  }
}

function recordParams(commit: IdempotentCommit): RecordParams {
  const { key, fingerprint, response, now, expiresAt } = commit;
  return {
    lockId: advisoryLockId(key),
    userId: key.userId,
    key: key.key,
    fingerprint,
    responseStatus: response.status,
    responseHeaders: response.headers,
    responseBody: response.body,
    recordedAt: now,
    expiresAt,
  };
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
