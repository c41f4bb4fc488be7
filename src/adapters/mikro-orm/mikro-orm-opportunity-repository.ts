import type { MikroORM } from '@mikro-orm/postgresql';
import type { Pool, QueryResult } from 'pg';
import { ConflictError } from '../../domain/domain-errors.js';
import type { Opportunity } from '../../domain/opportunity/opportunity.js';
import type {
  OpportunityFilters,
  OpportunityRepository,
  PageRequest,
  SearchHit,
  Slice,
} from '../../domain/opportunity/opportunity-repository.port.js';
import { guardDatabase, isUnavailable } from './database-errors.js';
import { directionOf, OpportunityStatements, pageParams } from './opportunity-statements.js';
import { type OpportunityDatabase, opportunityFromRow, type OpportunityRow } from './opportunity-row.js';
import type { PreparedStatement } from './prepared-statement.js';
import type { ReadYourWrites } from './read-your-writes.js';
import type { ReplicaSet } from './replica-set.js';
import { searchParams, SearchStatements } from './search-statement.js';

const UNIQUE_VIOLATION = '23505';

export interface ReadRouting {
  readonly replicas: ReplicaSet;
  readonly readYourWrites: ReadYourWrites;
  /** Counts where each read went, for metrics. */
  readonly onRead?: (target: 'primary' | 'replica', reason?: 'fallback') => void;
}

/**
 * PostgreSQL through MikroORM's connection pools. Each query shape is written in Kysely typed by
 * the entity schema, compiled once, and run as a named prepared statement, with rows mapped
 * straight to domain objects: the ORM's hydration, identity map and per-request forks cost more
 * than the queries themselves on these hot paths. Reads that may be slightly stale (get, list,
 * search) go to a healthy replica when there is one; writes and reads after a write go to the primary.
 */
export class MikroOrmOpportunityRepository implements OpportunityRepository {
  private primaryPool: Pool | undefined;
  private readonly statements: OpportunityStatements;
  private readonly searches: SearchStatements;

  constructor(
    private readonly orm: MikroORM,
    private readonly routing?: ReadRouting,
  ) {
    // Used only to compile queries; statements run on the pools below.
    const db = orm.em.fork().getKysely<OpportunityDatabase>();
    this.statements = new OpportunityStatements(db);
    this.searches = new SearchStatements(db);
  }

  async add(opportunity: Opportunity): Promise<void> {
    try {
      await this.write(
        this.statements.insert.name,
        this.statements.insert.text,
        this.statements.insert.values(opportunity),
      );
    } catch (error) {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) {
        throw new ConflictError(`Opportunity ${opportunity.id} already exists`);
      }
      throw error;
    }
  }

  async update(opportunity: Opportunity, expectedVersion: number): Promise<void> {
    const { update } = this.statements;
    const { rowCount } = await this.write(update.name, update.text, update.values({ ...opportunity, expectedVersion }));
    if (rowCount === 0) {
      throw new ConflictError(`Opportunity ${opportunity.id} was changed or deleted concurrently`, 'concurrent_update');
    }
  }

  async remove(id: string, expectedVersion?: number): Promise<boolean> {
    const { remove, removeAtVersion } = this.statements;
    const result =
      expectedVersion === undefined
        ? await this.write(remove.name, remove.text, remove.values({ id }))
        : await this.write(removeAtVersion.name, removeAtVersion.text, removeAtVersion.values({ id, expectedVersion }));
    return (result.rowCount ?? 0) > 0;
  }

  async findById(id: string): Promise<Opportunity | null> {
    const rows = await this.read(this.statements.findById, { id });
    return rows[0] ? opportunityFromRow(rows[0]) : null;
  }

  async list(filters: OpportunityFilters, page: PageRequest): Promise<Slice<Opportunity>> {
    const direction = directionOf(page);
    const rows = await this.read(this.statements.list(filters, direction), pageParams(filters, page));
    return slice(rows, direction === 'before', page.limit, opportunityFromRow);
  }

  async search(text: string, filters: OpportunityFilters, page: PageRequest): Promise<Slice<SearchHit>> {
    const direction = directionOf(page);
    const rows = await this.read(this.searches.search(filters, direction), searchParams(text, filters, page));
    return slice(rows, direction === 'before', page.limit, (row) => ({
      opportunity: opportunityFromRow(row),
      rank: Number(row.rank),
    }));
  }

  private async write(name: string, text: string, values: unknown[]): Promise<QueryResult<OpportunityRow>> {
    this.routing?.readYourWrites.noteWrite();
    return guardDatabase(async () =>
      (this.primaryPool ?? (await this.connectPrimary())).query<OpportunityRow>({ name, text, values }),
    );
  }

  /**
   * A read on the next healthy replica unless this request must see the primary; a replica that
   * turns out to be unreachable is marked down and the read is retried on the primary.
   */
  private async read<P>(statement: PreparedStatement<P>, params: P): Promise<OpportunityRow[]> {
    const query = { name: statement.name, text: statement.text, values: statement.values(params) };
    const routing = this.routing;
    const replica = routing && !routing.readYourWrites.primaryRequired() ? routing.replicas.pick() : undefined;
    if (replica) {
      try {
        const rows = (await (await replica.pool()).query<OpportunityRow>(query)).rows;
        routing?.onRead?.('replica');
        return rows;
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        routing?.replicas.markDown(replica);
        routing?.onRead?.('primary', 'fallback');
      }
    } else {
      routing?.onRead?.('primary');
    }
    return guardDatabase(
      async () => (await (this.primaryPool ?? (await this.connectPrimary())).query<OpportunityRow>(query)).rows,
    );
  }

  /** Only the first call waits: an await per query costs measurably on the hot paths. */
  private async connectPrimary(): Promise<Pool> {
    this.primaryPool = await this.orm.em.getConnection('write').getNativeClient();
    return this.primaryPool;
  }
}

/** The query fetched one row more than the page to learn whether more exist. */
function slice<T>(
  rows: OpportunityRow[],
  reversed: boolean,
  limit: number,
  toItem: (row: OpportunityRow) => T,
): Slice<T> {
  const page = rows.slice(0, limit).map(toItem);
  // Backward walks read in ascending order; callers always get listing order.
  return { items: reversed ? page.reverse() : page, hasMore: rows.length > limit };
}
