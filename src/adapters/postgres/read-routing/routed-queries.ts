import type { MikroORM } from '@mikro-orm/postgresql';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { guardDatabase, isStatementTimeout, isUnavailable, serviceError } from '../sql/database-errors.js';
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
 */
export class RoutedQueries {
  private primaryPool: Pool | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly routing?: ReadRouting,
    /** Tracing: every statement becomes a client span of the request's span. */
    private readonly traced?: TracedCall,
  ) {}

  async write<R extends QueryResultRow>(query: NamedQuery): Promise<QueryResult<R>> {
    this.routing?.readYourWrites.noteWrite();
    return this.onPrimary(query);
  }

  /** A read that must see the latest committed state (an idempotency record), without counting as a write. */
  async onPrimary<R extends QueryResultRow>(query: NamedQuery): Promise<QueryResult<R>> {
    return guardDatabase(async () => this.run<R>(this.primaryPool ?? (await this.connectPrimary()), query));
  }

  /**
   * Runs `work` in one transaction on one primary connection. It commits when `commits` accepts
   * what the work returned, and rolls back otherwise or when the work fails.
   */
  async transaction<T>(work: (run: RunQuery) => Promise<T>, commits: (result: T) => boolean): Promise<T> {
    this.routing?.readYourWrites.noteWrite();
    return guardDatabase(async () => {
      const client = await (this.primaryPool ?? (await this.connectPrimary())).connect();
      const run: RunQuery = (query) => this.run(client, query);
      let failure: unknown;
      try {
        await this.run(client, BEGIN);
        const result = await work(run);
        await this.run(client, commits(result) ? COMMIT : ROLLBACK);
        return result;
      } catch (error) {
        failure = error;
        await this.run(client, ROLLBACK).catch(() => undefined);
        throw error;
      } finally {
        // A client that failed mid-transaction may be broken: destroy it rather than reuse it.
        client.release(failure instanceof Error ? failure : undefined);
      }
    });
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
        const rows = (await this.run<R>(await replica.pool(), query)).rows;
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
    return guardDatabase(
      async () => (await this.run<R>(this.primaryPool ?? (await this.connectPrimary()), query)).rows,
    );
  }

  /** One statement, inside its client span when tracing is on. */
  private run<R extends QueryResultRow>(target: Pool | PoolClient, query: NamedQuery): Promise<QueryResult<R>> {
    const { traced } = this;
    const { span } = query;
    return traced && span ? traced(span.name, span.attributes, () => target.query<R>(query)) : target.query<R>(query);
  }

  /** Only the first call waits: an await per query costs measurably on the hot paths. */
  private async connectPrimary(): Promise<Pool> {
    this.primaryPool = await this.orm.em.getConnection('write').getNativeClient();
    return this.primaryPool;
  }
}
