import { createHash } from 'node:crypto';
import { type MikroORM, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
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
import { OPPORTUNITY_COLUMNS, opportunityFromRow, type OpportunityRow } from './opportunity-row.js';

const FIND_BY_ID = `select ${OPPORTUNITY_COLUMNS} from opportunity o where o.id = $1`;

/**
 * PostgreSQL through MikroORM. Writes are single native statements built from the entity mapping
 * (no unit-of-work round trip). Reads are hot paths: hand-written SQL, run as prepared statements
 * on the ORM's own connection pool and mapped straight to domain objects, skipping hydration and
 * the identity map.
 */
export class MikroOrmOpportunityRepository implements OpportunityRepository {
  private pool: Pool | undefined;
  /** Statement names by SQL text; the texts come from a small fixed set of query shapes. */
  private readonly statementNames = new Map<string, string>();

  constructor(private readonly orm: MikroORM) {}

  async add(opportunity: Opportunity): Promise<void> {
    try {
      await guardDatabase(() =>
        this.orm.em.fork().insert(Opportunity, { ...opportunity.toSnapshot(), tags: [...opportunity.tags] }),
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
      this.orm.em
        .fork()
        .nativeUpdate(Opportunity, { id, version: expectedVersion }, { ...changes, tags: [...changes.tags] }),
    );
    if (affected === 0) {
      throw new ConflictError(`Opportunity ${id} was changed or deleted concurrently`, 'concurrent_update');
    }
  }

  async remove(id: string): Promise<boolean> {
    return (await guardDatabase(() => this.orm.em.fork().nativeDelete(Opportunity, { id }))) > 0;
  }

  async findById(id: string): Promise<Opportunity | null> {
    const rows = await this.query(FIND_BY_ID, [id]);
    return rows[0] ? opportunityFromRow(rows[0]) : null;
  }

  async list(filters: OpportunityFilters, page: PageRequest): Promise<Slice<Opportunity>> {
    const query = keysetQuery({ filters, page });
    const rows = await this.query(query.sql, query.params);
    return slice(rows, query.reversed, page.limit, opportunityFromRow);
  }

  async search(text: string, filters: OpportunityFilters, page: PageRequest): Promise<Slice<SearchHit>> {
    const query = keysetQuery({ filters, page, search: text });
    const rows = await this.query(query.sql, query.params);
    return slice(rows, query.reversed, page.limit, (row) => ({
      opportunity: opportunityFromRow(row),
      rank: Number(row.rank),
    }));
  }

  /** Runs a read as a named prepared statement: PostgreSQL parses and plans each shape once per connection. */
  private async query(sql: string, params: unknown[]): Promise<OpportunityRow[]> {
    return guardDatabase(async () => {
      this.pool ??= await this.orm.em.getConnection().getNativeClient();
      let name = this.statementNames.get(sql);
      if (name === undefined) {
        name = `opp_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
        this.statementNames.set(sql, name);
      }
      const result = await this.pool.query<OpportunityRow>({ name, text: sql, values: params });
      return result.rows;
    });
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
