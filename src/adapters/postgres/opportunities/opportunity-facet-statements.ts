import { type Expression, type Kysely, type RawBuilder, sql, type SqlBool } from 'kysely';
import { analyzedRows, estimatedMatches, walkCheaper } from '../schema/search-estimate.routine.js';
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

/** The statement's rows: its groups, each with whether the rows were walked (one null group when none matched). */
export interface FacetRow {
  readonly category: string | null;
  readonly status: string | null;
  readonly n: number | null;
  readonly walked: boolean;
}

/**
 * How many of the newest rows a count of common words reads at most. Their GIN bitmap holds every
 * match before the bound applies (800,000 entries for "help" at a million rows); walking the
 * newest rows in time order finds the bound's rows in about bound ÷ the words' share of the table.
 */
export const FACET_WALK_ROWS = 50_000;

/**
 * Facet counts: the matching rows, at most FACET_BOUND + 1 of them (the first the plan finds:
 * GIN for words, GiST for a radius, a keyset index for filters), grouped by category and status.
 * Reading at most that many rows is what bounds the cost; more rows than the bound is what marks
 * the counts approximate. One statement per shape, so each plan can use its index.
 */
export class OpportunityFacetStatements {
  private readonly statements = new Map<string, PreparedStatement<FacetParams>>();

  constructor(
    private readonly db: Kysely<OpportunityDatabase>,
    /** FACET_WALK_ROWS; tests lower it. */
    private readonly walkRows: number = FACET_WALK_ROWS,
  ) {}

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
    const walk = words === 'none' ? sql<SqlBool>`false` : walkPays(param, this.walkRows);
    const db = this.db.with(
      (cte) => cte('walk').materialized(),
      (qc) => qc.selectNoFrom(walk.as('yes')),
    );
    const walking = sql<SqlBool>`(select yes from walk)`;
    // The walk's decision is one CTE of the outer statement; the sources read it by name.
    // Of the two sources one is on (a one-time filter): the indexes the plan picks, or the walk.
    const fromIndexes = this.db
      .selectFrom('opportunity as o')
      .select(['o.category', 'o.status'])
      .where(({ and, not }) => and(words === 'none' ? conditions : [...conditions, not(walking)]))
      .limit(param('bound'));
    const newest = this.db
      .selectFrom('opportunity as o')
      .selectAll('o')
      .orderBy('o.created_at', 'desc')
      .orderBy('o.id', 'desc')
      .limit(sql.lit(this.walkRows));
    const walked = this.db
      .selectFrom(newest.as('o'))
      .select(['o.category', 'o.status'])
      .where(({ and }) => and([walking, ...conditions]))
      .limit(param('bound'));
    // A listing has no words to walk for: its filters' keyset indexes already stop at the bound.
    const matches =
      words === 'none'
        ? fromIndexes
        : this.db
            .selectFrom(fromIndexes.as('i'))
            .selectAll('i')
            .unionAll(this.db.selectFrom(walked.as('w')).selectAll('w'));
    const groups = this.db
      .selectFrom(matches.as('m'))
      .select(['m.category', 'm.status', sql<number>`count(*)::int`.as('n')])
      .groupBy(['m.category', 'm.status']);
    return db
      .selectFrom('walk')
      .leftJoinLateral(groups.as('g'), (join) => join.onTrue())
      .select(['g.category', 'g.status', 'g.n', 'walk.yes as walked']);
  }
}

/**
 * Walk when the bound's rows are expected within the walk's rows and reading them
 * costs less than the words' GIN bitmap (their estimated matches, as the search decides its tiers).
 */
function walkPays(param: Param<FacetParams>, walkRows: number): RawBuilder<SqlBool> {
  const matches = estimatedMatches(sql`to_tsquery('opportunity_search'::regconfig, ${param('some')})`);
  // The table's size and the estimate once each (the estimate plans a statement), in a level of
  // their own that OFFSET 0 keeps apart, then the rows a walk would read from them.
  const estimates = sql`(select ${analyzedRows} as n, ${matches} as m offset 0)`;
  const walk = sql`(select e.n, e.m, ${param('bound')}::float8 * e.n / greatest(e.m, 1) as rows from ${estimates} as e)`;
  const decide = walkCheaper(sql.ref('w.n'), sql.ref('w.m'), sql.ref('w.rows'), walkRows);
  return sql<SqlBool>`(select w.rows <= ${sql.lit(walkRows)} and ${decide} from ${walk} as w)`;
}

/**
 * The search's configuration (English stemming, accents folded), as its GIN index reads it. The
 * tsquery is a scalar subquery, computed once per execution: a walk tests it on each row.
 */
function matching(text: string): Expression<SqlBool> {
  return sql<SqlBool>`o.search_vector @@ (select to_tsquery('opportunity_search'::regconfig, ${text}))`;
}

/** The groups a statement found, and how many rows they hold (a walk's counts are never known to be all). */
export function facetGroups(rows: readonly FacetRow[], bound: number): { groups: FacetGroup[]; matched: number } {
  const groups = rows.filter((row): row is FacetRow & FacetGroup => row.category !== null);
  const sum = groups.reduce((total, group) => total + group.n, 0);
  return { groups, matched: rows.some((row) => row.walked) ? Math.max(sum, bound + 1) : sum };
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
