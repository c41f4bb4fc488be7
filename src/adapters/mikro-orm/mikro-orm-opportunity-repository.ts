import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Pool, QueryResult } from 'pg';
import { ConflictError } from '../../domain/domain-errors.js';
import type { Opportunity } from '../../domain/opportunity/opportunity.js';
import type {
  OpportunityFilters,
  OpportunityRepository,
  PageRequest,
  Slice,
} from '../../domain/opportunity/opportunity-repository.port.js';
import { guardDatabase } from './database-errors.js';
import { keysetQuery } from './keyset-query.js';
import { OPPORTUNITY_COLUMNS, opportunityFromRow, type OpportunityRow } from './opportunity-row.js';

const FIND_BY_ID = `select ${OPPORTUNITY_COLUMNS} from opportunity o where o.id = $1`;
const INSERT = `insert into opportunity (id, title, description, category, location, tags, status, deadline, created_by,
  created_at, updated_at, version) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`;
const UPDATE = `update opportunity set title = $3, description = $4, category = $5, location = $6, tags = $7,
  status = $8, deadline = $9, updated_at = $10, version = $11 where id = $1 and version = $2`;
const DELETE = 'delete from opportunity where id = $1';
const DELETE_AT_VERSION = 'delete from opportunity where id = $1 and version = $2';
const UNIQUE_VIOLATION = '23505';

/**
 * PostgreSQL through MikroORM's connection pool (MikroORM owns connections, configuration and
 * migrations). Every operation is one hand-written statement, run as a prepared statement and
 * mapped straight to domain objects: the benchmark showed the ORM's hydration, identity map and
 * query building costing more than the queries themselves on these hot paths.
 */
export class MikroOrmOpportunityRepository implements OpportunityRepository {
  private pool: Pool | undefined;
  /** Statement names by SQL text; the texts come from a small fixed set of query shapes. */
  private readonly statementNames = new Map<string, string>();

  constructor(private readonly orm: MikroORM) {}

  async add(opportunity: Opportunity): Promise<void> {
    const o = opportunity;
    try {
      await this.run(INSERT, [
        o.id,
        o.title,
        o.description,
        o.category,
        o.location,
        o.tags,
        o.status,
        o.deadline,
        o.createdBy,
        o.createdAt,
        o.updatedAt,
        o.version,
      ]);
    } catch (error) {
      if ((error as { code?: unknown }).code === UNIQUE_VIOLATION) {
        throw new ConflictError(`Opportunity ${o.id} already exists`);
      }
      throw error;
    }
  }

  async update(opportunity: Opportunity, expectedVersion: number): Promise<void> {
    const o = opportunity;
    const { rowCount } = await this.run(UPDATE, [
      o.id,
      expectedVersion,
      o.title,
      o.description,
      o.category,
      o.location,
      o.tags,
      o.status,
      o.deadline,
      o.updatedAt,
      o.version,
    ]);
    if (rowCount === 0) {
      throw new ConflictError(`Opportunity ${o.id} was changed or deleted concurrently`, 'concurrent_update');
    }
  }

  async remove(id: string, expectedVersion?: number): Promise<boolean> {
    const result =
      expectedVersion === undefined
        ? await this.run(DELETE, [id])
        : await this.run(DELETE_AT_VERSION, [id, expectedVersion]);
    return (result.rowCount ?? 0) > 0;
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

  /** Runs a read as a named prepared statement: PostgreSQL parses and plans each shape once per connection. */
  private async query(sql: string, params: unknown[]): Promise<OpportunityRow[]> {
    return (await this.run(sql, params)).rows;
  }

  private async run(sql: string, params: unknown[]): Promise<QueryResult<OpportunityRow>> {
    return guardDatabase(async () => {
      this.pool ??= await this.orm.em.getConnection().getNativeClient();
      let name = this.statementNames.get(sql);
      if (name === undefined) {
        name = `opp_${createHash('sha1').update(sql).digest('hex').slice(0, 16)}`;
        this.statementNames.set(sql, name);
      }
      return this.pool.query<OpportunityRow>({ name, text: sql, values: params });
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
