import type { MikroORM } from '@mikro-orm/postgresql';
import type { QueryResult } from 'pg';
import { ConflictError } from '../../../domain/domain-errors.js';
import type { Opportunity } from '../../../domain/opportunity/opportunity.js';
import { greatCircleKmOfChord, type NearbyOrder, type NearQuery } from '../../../domain/opportunity/nearby.js';
import type {
  Nearby,
  OpportunityFilters,
  OpportunityRepository,
  PageRequest,
  Slice,
} from '../../../domain/opportunity/opportunity-repository.port.js';
import { duplicateIdAsConflict, isUniqueViolation } from '../sql/database-errors.js';
import { directionOf, OpportunityStatements, opportunityValues, pageParams } from './opportunity-statements.js';
import type { OpportunityDatabase } from '../schema/database-tables.js';
import { opportunityFromRow, type OpportunityRow } from './opportunity-row.js';
import { NEAR_WALK, nearPageParams, OpportunityNearStatements } from './opportunity-near-statements.js';
import { facetGroups, facetParams, type FacetRow, OpportunityFacetStatements } from './opportunity-facet-statements.js';
import { FACET_BOUND, type FacetCounts, type FacetField, tallyFacets } from '../../../domain/opportunity/facets.js';
import { bind, type PreparedStatement } from '../sql/prepared-statement.js';
import { type NamedQuery, RoutedQueries } from '../read-routing/routed-queries.js';

/**
 * PostgreSQL through MikroORM's connection pools. Each query shape is written in Kysely typed by
 * the entity schema, compiled once, and run as a named prepared statement, with rows mapped
 * straight to domain objects: the ORM's hydration, identity map and per-request forks cost more
 * than the queries themselves on these hot paths. Reads that may be slightly stale (get, list) go
 * to a healthy replica when there is one; writes and reads after a write go to the primary.
 */
export class PostgresOpportunityRepository implements OpportunityRepository {
  private readonly statements: OpportunityStatements;
  private readonly near: OpportunityNearStatements;
  private readonly facets: OpportunityFacetStatements;

  constructor(
    orm: MikroORM,
    private readonly queries: RoutedQueries = new RoutedQueries(orm),
    /** Facet counts are exact up to this many matches (FACET_BOUND; tests lower it). */
    private readonly facetBound: number = FACET_BOUND,
    /** How many newest rows a newest-first nearby page reads before the GiST index (NEAR_WALK; tests lower it). */
    private readonly nearWalk: number = NEAR_WALK,
  ) {
    // Used only to compile queries; statements run on the routed pools.
    const compiler = orm.em.fork().getKysely<OpportunityDatabase>();
    this.statements = new OpportunityStatements(compiler);
    this.near = new OpportunityNearStatements(compiler);
    this.facets = new OpportunityFacetStatements(compiler);
  }

  /**
   * The insert may be repeated through a failover even when a connection cut left the first
   * run's outcome unknown: the id (made by the service for this request) is the primary key, so a
   * repeat cannot store a second row. A repeat fails with a duplicate key instead when the first
   * run committed; the row found under the id is then this very opportunity, and it is stored.
   * Without a repeat, a duplicate key is a conflict (the id was taken before).
   */
  async add(opportunity: Opportunity): Promise<void> {
    const attempts = { sent: 0 };
    try {
      await this.queries.write(bind(this.statements.insert, opportunityValues(opportunity)), 'idempotent', attempts);
    } catch (error) {
      if (attempts.sent > 1 && isUniqueViolation(error) && (await this.storedAsIs(opportunity))) return;
      throw duplicateIdAsConflict(error, opportunity.id);
    }
  }

  /** Whether the row under this id is this opportunity (same author, creation time and text). */
  private async storedAsIs(opportunity: Opportunity): Promise<boolean> {
    const { rows } = await this.queries.onPrimary<OpportunityRow>(
      bind(this.statements.findById, { id: opportunity.id }),
    );
    const stored = rows[0] ? opportunityFromRow(rows[0]) : undefined;
    return (
      stored !== undefined &&
      stored.createdBy === opportunity.createdBy &&
      stored.createdAt.getTime() === opportunity.createdAt.getTime() &&
      stored.title === opportunity.title &&
      stored.description === opportunity.description
    );
  }

  async update(opportunity: Opportunity, expectedVersion: number): Promise<void> {
    const { update } = this.statements;
    const { rowCount } = await this.write(bind(update, { ...opportunityValues(opportunity), expectedVersion }));
    if (rowCount === 0) {
      throw new ConflictError(`Opportunity ${opportunity.id} was changed or deleted concurrently`, 'concurrent_update');
    }
  }

  async remove(id: string, expectedVersion?: number): Promise<boolean> {
    const { remove, removeAtVersion } = this.statements;
    const result =
      expectedVersion === undefined
        ? await this.write(bind(remove, { id }))
        : await this.write(bind(removeAtVersion, { id, expectedVersion }));
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

  async listNear(
    filters: OpportunityFilters,
    near: NearQuery,
    order: NearbyOrder,
    page: PageRequest,
  ): Promise<Slice<Nearby>> {
    const direction = directionOf(page);
    const params = nearPageParams(filters, near, page, this.nearWalk);
    let rows: OpportunityRow[];
    if (order === 'newest') {
      // A dense area fills the page from the newest rows; a sparse one has few rows in its radius.
      rows = await this.read(this.near.statement(filters, order, direction, 'walk'), params);
      if (rows.length <= page.limit)
        rows = await this.read(this.near.statement(filters, order, direction, 'box'), params);
    } else {
      // k-NN walks nearest first only: a backward page reads the rows nearer than its position.
      const plan = direction === 'before' ? 'box' : 'knn';
      rows = await this.read(this.near.statement(filters, order, direction, plan), params);
    }
    return slice(rows, direction === 'before', page.limit, (row) => {
      // The key is the chord in metres on earthdistance's sphere (see OpportunityNearStatements).
      const distanceKey = Number(row.distance_key);
      return {
        opportunity: opportunityFromRow(row),
        distanceKey,
        distanceKm: greatCircleKmOfChord(distanceKey / 1000),
      };
    });
  }

  async countFacets(
    fields: readonly FacetField[],
    filters: OpportunityFilters,
    near?: NearQuery,
  ): Promise<FacetCounts> {
    const statement = this.facets.statement(filters, near !== undefined, undefined);
    const rows = await this.queries.read<FacetRow>(
      bind(statement, facetParams(filters, near, undefined, this.facetBound)),
    );
    const { groups, matched } = facetGroups(rows, this.facetBound);
    return tallyFacets(fields, groups, matched, this.facetBound);
  }

  private write(query: NamedQuery): Promise<QueryResult<OpportunityRow>> {
    return this.queries.write<OpportunityRow>(query);
  }

  private read<P>(statement: PreparedStatement<P>, params: P): Promise<OpportunityRow[]> {
    return this.queries.read<OpportunityRow>(bind(statement, params));
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
