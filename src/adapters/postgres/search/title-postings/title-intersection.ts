import { type Expression, type Kysely, type RawBuilder, sql } from 'kysely';
import { type Param, type PreparedStatement, prepare } from '../../sql/prepared-statement.js';
import type { SearchDatabase } from '../../schema/database-tables.js';
import { arrayOf, titleVector, toTsQuery } from '../query/text-search.js';

/** Lexemes per clause the statement has room for (the completions of a short prefix may need more). */
export const LEXEME_SLOTS = 8;

/**
 * Postings each clause's walk reads at most per request: enough when ~1 % or more of the postings
 * read have the other clause too; below that (two frequent words that rarely meet) the GIN index
 * answers, so no request reads more than twice this many postings per walk.
 */
export const WALK_LIMIT = 2_000;

export interface TitleIntersectionParams {
  /** Each clause's words (as typed, completions, corrections); folded and stemmed here. */
  readonly first: string[];
  readonly second: string[];
  /**
   * The words as typed (with completions) of the clauses that have corrections, as tsquery text
   * (empty: none): a row holding one of them would outrank the corrected matches.
   */
  readonly typed: string;
  /** Rows strictly past this position in the statement's direction (a sentinel for "from the start"). */
  readonly createdAt: Date | string;
  readonly id: string;
  /** How many rows of the intersection to return. */
  readonly take: number;
  /** How many postings each clause's walk may read before the answer is called inconclusive. */
  readonly walk: number;
}

export interface TitleIntersection {
  /**
   * Both clauses have lexemes, no more than the slots hold, and no row has a typed word that was
   * corrected: then every row of the tier scores the same.
   */
  readonly fits: boolean;
  /** The rows whose titles have a lexeme of each clause, in the statement's direction. */
  readonly ids: string[];
  /**
   * Fewer than `take` rows found, and the walk that stopped first stopped at its limit: matches
   * may lie further on. (A walk that ends by itself, a rare word's, leaves nothing unseen.)
   */
  readonly inconclusive: boolean;
}

/** "From the start" for each direction: every row is past it. */
export const WALK_START = {
  forward: { createdAt: 'infinity', id: 'ffffffff-ffff-ffff-ffff-ffffffffffff' },
  backward: { createdAt: '-infinity', id: '00000000-0000-0000-0000-000000000000' },
} as const;

/**
 * The title tier of a two-clause query, read in time order from the title postings: the rows whose
 * title has a lexeme of each clause. Each clause is a merge of its lexemes' postings, each read
 * backwards (forwards) along the primary key from the position; the two merged walks are joined
 * on (created_at, id) as they go, so the statement stops after `take` matches instead of reading
 * every posting of two common words (what a GIN bitmap does before any LIMIT applies). Each walk
 * is cut at `walk` postings so two frequent words that rarely meet cost a bounded read; the
 * caller then falls back to the GIN index.
 *
 * The lexeme slots are fixed so the statement has one shape and one generic plan: a Merge Append of
 * `LEXEME_SLOTS` index scans per clause (empty slots scan nothing). Each branch keeps its own
 * ORDER BY: without it PostgreSQL sorts the whole append instead of merging the ordered scans.
 */
export function titleIntersection(
  db: Kysely<SearchDatabase>,
  direction: 'forward' | 'backward',
): PreparedStatement<TitleIntersectionParams> {
  return prepare<TitleIntersectionParams>(
    (param) =>
      titleIntersectionQuery(db, direction, param, {
        first: arrayOf(param('first'), 'text'),
        second: arrayOf(param('second'), 'text'),
      }),
    `search_intersection_${direction}`,
  );
}

/** What `TitleIntersectionParams` says besides the clauses' words. */
export type IntersectionStretchParams = Omit<TitleIntersectionParams, 'first' | 'second'>;

/**
 * The body of `titleIntersection` for words given as expressions, so that the vocabulary look-up
 * can answer the tier in the same statement (vocabulary-title-statement.ts).
 */
export function titleIntersectionQuery(
  db: Kysely<SearchDatabase>,
  direction: 'forward' | 'backward',
  param: Param<IntersectionStretchParams>,
  words: { readonly first: Expression<string[]>; readonly second: Expression<string[]> },
) {
  const order = direction === 'forward' ? 'desc' : 'asc';
  const past = direction === 'forward' ? '<' : '>';
  const position = sql`(${param('createdAt')}::timestamptz, ${param('id')}::uuid)`;
  const lexemesOf = (clause: Expression<string[]>) =>
    sql<string[]>`tsvector_to_array(${titleVector(sql`array_to_string(${clause}, ' ')`)})`;
  /** One clause's postings, merged in time order from the position, at most `walk` of them. */
  const walk = (clause: 'l1' | 'l2'): RawBuilder<{ created_at: Date; opportunity_id: string }> => {
    const branches = Array.from({ length: LEXEME_SLOTS }, (_, slot) => {
      const lexeme = sql<string>`(select ${sql.ref(`lex.${clause}`)}[${sql.lit(slot + 1)}] from lex)`;
      const scan = db
        .selectFrom('search_title_posting as p')
        .select(['p.created_at', 'p.opportunity_id'])
        .where('p.lexeme', '=', lexeme)
        .where(sql<boolean>`(p.created_at, p.opportunity_id) ${sql.raw(past)} ${position}`)
        .orderBy('p.created_at', order)
        .orderBy('p.opportunity_id', order);
      return sql`(${scan})`;
    });
    return sql`(select created_at, opportunity_id from (${sql.join(branches, sql` union all `)}) u order by created_at ${sql.raw(order)}, opportunity_id ${sql.raw(order)} limit ${param('walk')})`;
  };
  const joined = sql`(select distinct on (a.created_at, a.opportunity_id) a.opportunity_id, a.created_at
        from ${walk('l1')} a join ${walk('l2')} b
          on a.created_at = b.created_at and a.opportunity_id = b.opportunity_id
        order by a.created_at ${sql.raw(order)}, a.opportunity_id ${sql.raw(order)}
        limit ${param('take')})`;
  const slots = sql.lit(LEXEME_SLOTS);
  // Where a walk was cut (its last allowed posting), if it was; the join saw nothing beyond
  // the first cut. The other clause's postings past that cut tell whether matches may be missed.
  const cutOf = (clause: 'l1' | 'l2') =>
    sql<{
      created_at: Date;
      opportunity_id: string;
    }>`(select * from ${walk(clause)} w offset ${param('walk')} - 1 limit 1)`;
  return db
    .with(
      (cte) => cte('lex').materialized(),
      (qc) => qc.selectNoFrom([lexemesOf(words.first).as('l1'), lexemesOf(words.second).as('l2')]),
    )
    .with(
      (cte) => cte('j').materialized(),
      (qc) =>
        qc
          .selectFrom(joined.as('j'))
          .select([sql<string>`j.opportunity_id`.as('id'), sql<Date>`j.created_at`.as('created_at')]),
    )
    .with(
      (cte) => cte('cut1').materialized(),
      (qc) => qc.selectFrom(cutOf('l1').as('c')).selectAll(),
    )
    .with(
      (cte) => cte('cut2').materialized(),
      (qc) => qc.selectFrom(cutOf('l2').as('c')).selectAll(),
    )
    .selectNoFrom(({ selectFrom }) => {
      const found = selectFrom('j').select(({ fn }) => fn.countAll<number>().as('n'));
      const pastCut = (cut: 'cut1' | 'cut2', other: 'l1' | 'l2') =>
        sql<boolean>`exists (select 1 from ${sql.table(cut)} c where exists (select 1 from search_title_posting p
            where p.lexeme = any((select ${sql.ref(`lex.${other}`)} from lex)::text[])
              and (p.created_at, p.opportunity_id) ${sql.raw(past)} (c.created_at, c.opportunity_id)))`;
      const bothCut = sql<boolean>`(exists (select 1 from cut1) and exists (select 1 from cut2))`;
      const missing = sql<boolean>`(${bothCut} or ${pastCut('cut1', 'l2')} or ${pastCut('cut2', 'l1')})`;
      // The typed words are unknown to the vocabulary, so a row has them only by a rare shared
      // stem: a count through the GIN index is cheap. (An EXISTS would be planned as a sequential
      // scan expected to stop early, and read every row when nothing matches.)
      return [
        sql<boolean>`(select cardinality(l1) between 1 and ${slots} and cardinality(l2) between 1 and ${slots} from lex)
            and (${param('typed')} = '' or (select count(*) from opportunity o
              where o.search_vector @@ ${toTsQuery(sql<string>`nullif(${param('typed')}, '')`)}) = 0)`.as('fits'),
        sql<string[]>`array(select id from j order by created_at ${sql.raw(order)}, id ${sql.raw(order)})`.as('ids'),
        sql<boolean>`(${found}) < ${param('take')} and ${missing}`.as('inconclusive'),
      ];
    });
}
