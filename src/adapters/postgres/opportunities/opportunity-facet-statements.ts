import { type Expression, type Kysely, sql, type SqlBool } from 'kysely';
import type { NearQuery } from '../../../domain/opportunity/nearby.js';
import type { OpportunityFilters } from '../../../domain/opportunity/opportunity-repository.port.js';
import type { OpportunityDatabase } from '../schema/database-tables.js';
import { type Param, prepare, type PreparedStatement } from '../sql/prepared-statement.js';
import { type ConditionParams, filterConditions, nearConditions } from './opportunity-conditions.js';
import { shapeKey } from './opportunity-statements.js';

/** A search's words as `to_tsquery` texts (the search writes them); absent for a listing. */
export interface FacetText {
  readonly some: string;
  /** Empty when nothing is excluded. */
  readonly excluded: string;
}

export interface FacetParams extends ConditionParams {
  readonly some: string;
  readonly excluded: string;
  readonly bound: number;
}

export interface FacetGroup {
  readonly category: string;
  readonly status: string;
  readonly n: number;
}

/**
 * Facet counts: the matching rows, at most FACET_BOUND + 1 of them (the first the plan finds:
 * GIN for words, GiST for a radius, a keyset index for filters), grouped by category and status.
 * Reading at most that many rows is what bounds the cost; more rows than the bound is what marks
 * the counts approximate. One statement per shape, so each plan can use its index.
 */
export class OpportunityFacetStatements {
  private readonly statements = new Map<string, PreparedStatement<FacetParams>>();

  constructor(private readonly db: Kysely<OpportunityDatabase>) {}

  statement(filters: OpportunityFilters, near: boolean, text: FacetText | undefined): PreparedStatement<FacetParams> {
    const words = text === undefined ? 'none' : text.excluded === '' ? 'some' : 'some-not-excluded';
    const key = `${shapeKey(filters, 'first')}:${near}:${words}`;
    let statement = this.statements.get(key);
    if (!statement) {
      statement = prepare<FacetParams>((param) => this.build(filters, near, words, param), 'facets');
      this.statements.set(key, statement);
    }
    return statement;
  }

  private build(filters: OpportunityFilters, near: boolean, words: string, param: Param<FacetParams>) {
    const conditions = [...filterConditions(filters, param), ...(near ? nearConditions(param) : [])];
    if (words !== 'none') conditions.push(matching(param('some')));
    if (words === 'some-not-excluded') conditions.push(sql<SqlBool>`not (${matching(param('excluded'))})`);
    const matches = this.db
      .selectFrom('opportunity as o')
      .select(['o.category', 'o.status'])
      .where(({ and }) => and(conditions))
      .limit(param('bound'));
    return this.db
      .selectFrom(matches.as('m'))
      .select(['m.category', 'm.status', sql<number>`count(*)::int`.as('n')])
      .groupBy(['m.category', 'm.status']);
  }
}

/** The search's configuration (English stemming, accents folded), as its GIN index reads it. */
function matching(text: string): Expression<SqlBool> {
  return sql<SqlBool>`o.search_vector @@ to_tsquery('opportunity_search'::regconfig, ${text})`;
}

/** How many rows the groups counted. */
export function sumOf(groups: readonly FacetGroup[]): number {
  return groups.reduce((total, group) => total + group.n, 0);
}

export function facetParams(
  filters: OpportunityFilters,
  near: NearQuery | undefined,
  text: FacetText | undefined,
  countBound: number,
): FacetParams {
  return {
    ...filters,
    lat: near?.point.lat ?? 0,
    lng: near?.point.lng ?? 0,
    radiusMetres: (near?.radiusKm ?? 0) * 1000,
    some: text?.some ?? '',
    excluded: text?.excluded ?? '',
    // One more than the bound: finding it is what says the counts are not exact.
    bound: countBound + 1,
  };
}
