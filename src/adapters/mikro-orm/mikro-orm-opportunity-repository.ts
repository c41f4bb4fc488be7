import {
  type EntityManager,
  type MikroORM,
  RequestContext,
  UniqueConstraintViolationException,
} from '@mikro-orm/postgresql';
import { ConflictError } from '../../domain/domain-errors.js';
import { Opportunity } from '../../domain/opportunity/opportunity.js';
import type {
  OpportunityFilters,
  OpportunityRepository,
  PageRequest,
  SearchHit,
  Slice,
} from '../../domain/opportunity/opportunity-repository.port.js';
import { guardDatabase } from './database-errors.js';
import { keysetQuery } from './keyset-query.js';

const COLUMNS =
  'o.id, o.title, o.description, o.category, o.location, o.tags, o.status, o.deadline, o.created_by, o.created_at, o.updated_at, o.version';

/**
 * PostgreSQL through MikroORM. Writes are single native statements (no unit-of-work round trip);
 * listings and search use hand-written keyset SQL that hits the indexes from the migrations, and
 * rows are hydrated into domain objects by the ORM's mapper.
 */
export class MikroOrmOpportunityRepository implements OpportunityRepository {
  constructor(private readonly orm: MikroORM) {}

  /** The request's entity manager inside a RequestContext, else a short-lived fork. */
  private em(): EntityManager {
    return (RequestContext.getEntityManager() as EntityManager | undefined) ?? this.orm.em.fork();
  }

  async add(opportunity: Opportunity): Promise<void> {
    try {
      await guardDatabase(() =>
        this.em().insert(Opportunity, { ...opportunity.toSnapshot(), tags: [...opportunity.tags] }),
      );
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw new ConflictError(`Opportunity ${opportunity.id} already exists`);
      }
      throw error;
    }
  }

  async update(opportunity: Opportunity, expectedVersion: number): Promise<void> {
    const { id, createdBy: _createdBy, createdAt: _createdAt, ...changes } = opportunity.toSnapshot();
    const affected = await guardDatabase(() =>
      this.em().nativeUpdate(Opportunity, { id, version: expectedVersion }, { ...changes, tags: [...changes.tags] }),
    );
    if (affected === 0) {
      throw new ConflictError(`Opportunity ${id} was changed or deleted concurrently`, 'concurrent_update');
    }
  }

  async remove(id: string): Promise<boolean> {
    return (await guardDatabase(() => this.em().nativeDelete(Opportunity, { id }))) > 0;
  }

  async findById(id: string): Promise<Opportunity | null> {
    // Read paths skip the identity map: nothing here is flushed, so tracking would be pure cost.
    return guardDatabase(() => this.em().findOne(Opportunity, { id }, { disableIdentityMap: true }));
  }

  async list(filters: OpportunityFilters, page: PageRequest): Promise<Slice<Opportunity>> {
    const query = keysetQuery({ select: COLUMNS, filters, page });
    const rows = await guardDatabase(() => this.em().execute<Record<string, unknown>[]>(query.sql, query.params));
    return this.slice(rows, query.reversed, page.limit, (row) => this.hydrate(row));
  }

  async search(text: string, filters: OpportunityFilters, page: PageRequest): Promise<Slice<SearchHit>> {
    const query = keysetQuery({ select: COLUMNS, filters, page, search: text });
    const rows = await guardDatabase(() => this.em().execute<Record<string, unknown>[]>(query.sql, query.params));
    return this.slice(rows, query.reversed, page.limit, (row) => ({
      opportunity: this.hydrate(row),
      rank: Number(row.rank),
    }));
  }

  private hydrate(row: Record<string, unknown>): Opportunity {
    const { rank: _rank, ...columns } = row;
    return this.em().map(Opportunity, columns);
  }

  /** The query fetched one row more than the page to learn whether more exist. */
  private slice<T>(
    rows: Record<string, unknown>[],
    reversed: boolean,
    limit: number,
    toItem: (row: Record<string, unknown>) => T,
  ): Slice<T> {
    const page = rows.slice(0, limit).map(toItem);
    // Backward walks read in ascending order; callers always get listing order.
    return { items: reversed ? page.reverse() : page, hasMore: rows.length > limit };
  }
}
