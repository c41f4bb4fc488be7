import type { Kysely } from 'kysely';
import type { QueryResultRow } from 'pg';
import type { PageRequest } from '../../../../domain/opportunity/opportunity-repository.port.js';
import type { SearchQuery } from '../../../../domain/opportunity/search/search-query.js';
import type { PreparedStatement } from '../../sql/prepared-statement.js';
import type { RoutedQueries } from '../../read-routing/routed-queries.js';
import type { SearchDatabase } from '../../schema/database-tables.js';
import { SCORE } from '../ranked/search-scoring.js';
import {
  type TitleIntersection,
  type TitleIntersectionParams,
  titleIntersection,
  WALK_START,
} from './title-intersection.js';
import { clauseWords, type TitleTier } from './title-tier.js';
import type { Expansions, QueryTexts } from '../query/tsquery-text.js';

type Direction = 'forward' | 'backward';

/**
 * The title tier of a two-clause query from the title postings, page by page. Every row with both
 * clauses in its title scores the same, above every other row, so the tier comes first, newest
 * first, and a page inside it is the next stretch of the intersection: the page costs its own
 * rows, however many thousands of titles have both words. Where the tier ends, the search
 * statement continues with the other tiers (GIN indexes); a page past the tier passes no title
 * ids. The GIN index answers instead when the postings cannot: a phrase, a corrected word that
 * some row has as typed, a clause without lexemes (stop words) or with more than the slots hold,
 * and a page whose walks stopped at their limit before finding enough matches (two frequent
 * words that rarely meet).
 *
 * Unlike the one-clause tier, this one is not cut at the candidate cap: its pages follow the
 * postings as long as they are dense enough, each reading only about what it shows.
 */
export class TitleIntersections {
  private readonly statements: Record<Direction, PreparedStatement<TitleIntersectionParams>>;

  constructor(
    db: Kysely<SearchDatabase>,
    private readonly queries: RoutedQueries,
  ) {
    this.statements = { forward: titleIntersection(db, 'forward'), backward: titleIntersection(db, 'backward') };
  }

  /**
   * `answered`: the intersection as the vocabulary look-up already read it for the words as typed
   * and completed, which holds when no word was corrected.
   */
  async titleTier(ask: IntersectionAsk, answered?: TitleIntersection): Promise<TitleTier> {
    const found = answered !== undefined && !ask.corrected ? answered : await this.run(ask.direction, ask.params);
    return tierOf(ask, found);
  }

  private async run(direction: Direction, params: TitleIntersectionParams): Promise<TitleIntersection> {
    const { name, text, values } = this.statements[direction];
    const [row] = await this.queries.read<TitleIntersection & QueryResultRow>({ name, text, values: values(params) });
    return row ?? { fits: false, ids: [], inconclusive: false };
  }
}

/** What a two-clause query asks of the title postings, and how its answer is read. */
export interface IntersectionAsk {
  readonly direction: Direction;
  readonly params: TitleIntersectionParams;
  /** Some clause has corrections. */
  readonly corrected: boolean;
  /** The cursor lies past the tier (its rank is lower). */
  readonly pastTier: boolean;
  readonly backward: boolean;
}

/**
 * Null: the GIN path answers the title tier (a phrase, or a cursor this tier did not make). `walk`:
 * postings per clause a request may read (WALK_LIMIT in production).
 */
export function intersectionAsk(
  query: SearchQuery,
  page: PageRequest,
  expansions: Expansions,
  texts: Pick<QueryTexts, 'exact'>,
  walk: number,
): IntersectionAsk | null {
  if (query.clauses.length !== 2) return null;
  const [first, second] = query.clauses.map((clause) => clauseWords(clause, expansions));
  if (!first || !second) return null;
  const pair = [first, second];
  // A corrected clause scores a typo less, the same on every row of the tier, as long as no row
  // has the words as typed (the statement checks): those would rank above the corrected ones.
  const typed = pair.flatMap((clause, index) => (clause.corrected ? [texts.exact[index] as string] : [])).join(' | ');
  const words = { first: first.words, second: second.words, typed, walk };
  const tierScore = pair.reduce(
    (score, clause) => score + SCORE.clause + SCORE.title - (clause.corrected ? SCORE.typo : 0),
    0,
  );
  const take = page.limit + 1;
  const position = page.after ?? page.before;
  const backward = page.before !== undefined;
  const rank = position?.rank ?? tierScore;
  const corrected = first.corrected || second.corrected;
  const ask = {
    direction: backward ? 'backward' : 'forward',
    corrected,
    pastTier: rank < tierScore,
    backward,
  } as const;
  if (position === undefined) return { ...ask, params: { ...words, ...WALK_START.forward, take } };
  // A cursor this tier did not make (no score is higher than the tier's): the GIN path answers it.
  if (rank > tierScore) return null;
  if (rank === tierScore) return { ...ask, params: { ...words, createdAt: position.createdAt, id: position.id, take } };
  // Past the tier. Forwards: the other tiers only (no title ids; `take: 0` reads no postings, the
  // statement only says whether the query takes this path at all). Backwards: the tier's oldest
  // rows may follow the position's tier in walking order.
  const from = backward ? { ...WALK_START.backward, take } : { ...WALK_START.forward, take: 0 };
  return { ...ask, params: { ...words, ...from } };
}

function tierOf(ask: IntersectionAsk, found: TitleIntersection): TitleTier {
  if (!found.fits || found.inconclusive) return { ids: null };
  // A full stretch is the page. Backwards inside the tier, a short one reached its newest row:
  // nothing ranks above it, so it is the page as well.
  const full = found.ids.length === ask.params.take;
  if (!ask.pastTier && (full || ask.backward)) return { ids: found.ids, cap: found.ids.length };
  return { ids: found.ids };
}
