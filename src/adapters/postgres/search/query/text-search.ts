import { type Expression, type RawBuilder, type Selectable, sql, type SqlBool } from 'kysely';
import type { SearchDatabase } from '../../schema/database-tables.js';

/**
 * PostgreSQL's text search as typed expressions. Kysely has no builder for tsqueries or `@@`, so
 * these few are `sql` templates; the columns they read are always typed references.
 */

/** A tsquery: it never leaves the statement, so only its type matters here. */
export interface TsQuery {
  readonly tsquery: true;
}

/** The search vector as the entity schema declares it. */
export type SearchVector = Selectable<SearchDatabase['opportunity']>['search_vector'];

/** English stemming with accents folded (the search migration's configuration). */
export const CONFIG = sql`'opportunity_search'::regconfig`;

export function toTsQuery(text: Expression<string> | string): RawBuilder<TsQuery> {
  return sql<TsQuery>`to_tsquery(${CONFIG}, ${text})`;
}

/**
 * The query's lexemes (folded, stemmed, stop words gone), read from the tsquery's text
 * (`'python' | 'mentor'`; lexemes are letters and digits, so they never hold a quote): the
 * service marks the words of each result that have one of them (highlight-runs.ts).
 */
export function lexemesOf(query: Expression<TsQuery>): RawBuilder<string[]> {
  return sql<string[]>`array(select distinct m[1] from regexp_matches((${query})::text, '''([^'']+)''', 'g') as m)`;
}

/** The title's vector, as the title GIN index computes it. */
export function titleVector(title: Expression<string>): RawBuilder<SearchVector> {
  return sql<SearchVector>`to_tsvector(${CONFIG}, ${title})`;
}

export function matches(vector: Expression<SearchVector>, query: Expression<TsQuery | null>): RawBuilder<SqlBool> {
  return sql<SqlBool>`${vector} @@ ${query}`;
}

/** Parenthesised, so `not` applies to the whole match. */
export function doesNotMatch(vector: Expression<SearchVector>, query: Expression<TsQuery | null>): RawBuilder<SqlBool> {
  return sql<SqlBool>`not (${matches(vector, query)})`;
}

/** An array parameter with its element type spelled out (PostgreSQL cannot infer it inside unnest). */
export function arrayOf<T>(values: readonly T[], type: 'text' | 'bool' | 'int4'): RawBuilder<T[]> {
  return sql<T[]>`${values}::${sql.raw(type)}[]`;
}
