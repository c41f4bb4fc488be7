import type { MikroORM } from '@mikro-orm/postgresql';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { isStatementTimeout, isUnavailable, serviceError } from '../sql/database-errors.js';
import { type FailoverHold, NO_HOLD, type RetrySafety } from '../sql/failover-hold.js';
import { withConnection } from '../sql/pooled-connection.js';
import { type StatementSpan, TRANSACTION_SPANS, type TracedCall } from '../sql/statement-span.js';
import type { ReadYourWrites } from './read-your-writes.js';
import type { ReplicaSet } from './replica-set.js';

export interface ReadRouting {
  readonly replicas: ReplicaSet;
  readonly readYourWrites: ReadYourWrites;
  /** Counts where each read went, for metrics. */
  readonly onRead?: (target: 'primary' | 'replica', reason?: 'fallback') => void;
}

/** A named prepared statement with its values: PostgreSQL parses and plans it once per connection. */
export interface NamedQuery {
  readonly name: string;
  readonly text: string;
  readonly values: unknown[];
  /** Its span when tracing is on (the label and constant attributes, never the values). */
  readonly span?: StatementSpan;
}

const BEGIN: NamedQuery = { name: '', text: 'begin', values: [], span: TRANSACTION_SPANS.begin };
const COMMIT: NamedQuery = { name: '', text: 'commit', values: [], span: TRANSACTION_SPANS.commit };
const ROLLBACK: NamedQuery = { name: '', text: 'rollback', values: [], span: TRANSACTION_SPANS.rollback };

/** Runs one statement inside a transaction. */
export type RunQuery = <R extends QueryResultRow>(query: NamedQuery) => Promise<QueryResult<R>>;

/**
 * Runs the adapters' statements on MikroORM's pools: writes (and reads that must see them) on the
 * primary, reads that may be slightly stale on the next healthy replica when replicas are
 * configured. Shared by the repository and the search, so both route reads the same way.
 * Statements on the primary go through the failover hold: while no writable primary answers,
 * what is safe to send again (see RetrySafety) is retried within the hold's bound.
 */
export class RoutedQueries {
  private primaryPool: Pool | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly routing?: ReadRouting,
    private readonly hold: FailoverHold = NO_HOLD,
    /** Tracing: every statement becomes a client span of the request's span. */
    private readonly traced?: TracedCall,
  ) {}

  /**
   * A write; `idempotent` only for statements a second run cannot apply twice (keyed writes).
   * `attempts` learns how many times the statement was sent.
   */
  async write<R extends QueryResultRow>(
    query: NamedQuery,
    safety: RetrySafety = 'once',
    attempts?: { sent: number },
  ): Promise<QueryResult<R>> {
    this.routing?.readYourWrites.noteWrite();
    return this.onPrimaryWith(query, safety, attempts);
  }

  /** A read that must see the latest committed state (an idempotency record), without counting as a write. */
  async onPrimary<R extends QueryResultRow>(query: NamedQuery): Promise<QueryResult<R>> {
    return this.onPrimaryWith(query, 'idempotent');
  }

  private onPrimaryWith<R extends QueryResultRow>(
    query: NamedQuery,
    safety: RetrySafety,
    attempts?: { sent: number },
  ): Promise<QueryResult<R>> {
    return this.hold.run(safety, async (attempt) => {
      if (attempts) attempts.sent = attempt + 1;
      return withConnection(await this.primary(), (client) => this.run<R>(client, query));
    });
  }

  /**
   * Runs `work` in one transaction on one primary connection. It commits when `commits` accepts
   * what the work returned, and rolls back otherwise or when the work fails. The whole transaction
   * is what a retry sends again.
   */
  async transaction<T>(
    work: (run: RunQuery) => Promise<T>,
    commits: (result: T) => boolean,
    safety: RetrySafety = 'once',
  ): Promise<T> {
    this.routing?.readYourWrites.noteWrite();
    return this.hold.run(safety, async () =>
      withConnection(await this.primary(), async (client) => {
        const run: RunQuery = (query) => this.run(client, query);
        try {
          await this.run(client, BEGIN);
          const result = await work(run);
          await this.run(client, commits(result) ? COMMIT : ROLLBACK);
          return result;
        } catch (error) {
          // A broken connection is destroyed anyway; a healthy one goes back to the pool clean.
          await this.run(client, ROLLBACK).catch(() => undefined);
          throw error;
        }
      }),
    );
  }

  /**
   * A read on the next healthy replica unless this request must see the primary; a replica that
   * turns out to be unreachable is marked down and the read is retried on the primary.
   */
  async read<R extends QueryResultRow>(query: NamedQuery): Promise<R[]> {
    const routing = this.routing;
    const replica = routing && !routing.readYourWrites.primaryRequired() ? routing.replicas.pick() : undefined;
    if (replica) {
      try {
        const rows = (await withConnection(await replica.pool(), (client) => this.run<R>(client, query))).rows;
        routing?.onRead?.('replica');
        return rows;
      } catch (error) {
        // A statement cancelled by the timeout is a slow query, not a dead replica: the primary
        // would take as long, so answer 503 rather than mark the replica down and repeat it there.
        if (!isUnavailable(error) || isStatementTimeout(error)) throw serviceError(error);
        routing?.replicas.markDown(replica);
        routing?.onRead?.('primary', 'fallback');
      }
    } else {
      routing?.onRead?.('primary');
    }
    return (await this.onPrimaryWith<R>(query, 'idempotent')).rows;
  }

  /** One statement, inside its client span when tracing is on. */
  private run<R extends QueryResultRow>(client: PoolClient, query: NamedQuery): Promise<QueryResult<R>> {
    const { traced } = this;
    const { span } = query;
    return traced && span ? traced(span.name, span.attributes, () => client.query<R>(query)) : client.query<R>(query);
  }

  /** Only the first call waits: an await per query costs measurably on the hot paths. */
  private async primary(): Promise<Pool> {
    return this.primaryPool ?? this.connectPrimary();
  }

  private async connectPrimary(): Promise<Pool> {
    this.primaryPool = await this.orm.em.getConnection('write').getNativeClient();
    return this.primaryPool;
  }
}
