import type { MikroORM } from '@mikro-orm/postgresql';
import type { QueryResultRow } from 'pg';
import type {
  OpportunitySearch,
  SearchHit,
  SearchRequest,
  SearchResults,
} from '../../../domain/opportunity/search/opportunity-search.port.js';
import { greatCircleKmOfChord } from '../../../domain/opportunity/nearby.js';
import { correctedText } from '../../../domain/opportunity/search/search-query.js';
import { correctable, corrections, typosToCorrect } from '../../../domain/opportunity/search/typo-rules.js';
import { opportunityFromRow, type OpportunityRow } from '../opportunities/opportunity-row.js';
import { bind, type PreparedStatement } from '../sql/prepared-statement.js';
import { RoutedQueries } from '../read-routing/routed-queries.js';
import { highlightMatches, type QueryLexemes, queryLexemes, snippet } from './highlight-runs.js';
import type { SearchDatabase } from '../schema/database-tables.js';
import { type SearchLimits, type SearchParams, searchParameters } from './query/search-parameters.js';
import { searchStatement } from './ranked/search-statement.js';
import { RECENT_WINDOW } from './ranked/search-tiers.js';
import { WALK_LIMIT } from './title-postings/title-intersection.js';
import { type AnsweredTier, TitlePostings, tierBeforeCorrections } from './title-postings/title-postings.js';
import { type Expansions, NO_EXPANSIONS, type QueryTexts, queryTexts } from './query/tsquery-text.js';
import { FACET_BOUND, type FacetField, tallyFacets } from '../../../domain/opportunity/facets.js';
import {
  facetGroups,
  type FacetParams,
  facetParams,
  type FacetRow,
  OpportunityFacetStatements,
} from '../opportunities/opportunity-facet-statements.js';
import { type VocabularyParams, vocabularyStatement } from './vocabulary/vocabulary-statement.js';
import {
  type VocabularyIntersectionParams,
  type VocabularyIntersectionRow,
  type VocabularyTitleParams,
  type VocabularyTitleRow,
  vocabularyIntersectionStatement,
  vocabularyTitleStatement,
} from './vocabulary/vocabulary-title-statement.js';

export type { SearchLimits } from './query/search-parameters.js';

export const SEARCH_LIMITS: SearchLimits = {
  recentWindow: RECENT_WINDOW,
  titleWalk: WALK_LIMIT,
  full: { candidates: 500, scanBudget: 5_000 },
  suggest: { candidates: 50, scanBudget: 500 },
};

interface SearchRow extends OpportunityRow {
  readonly rank: number;
  readonly typos: number;
  /** The query's lexemes, the same on every row. */
  readonly lexemes: string[];
}

interface VocabularyRow extends QueryResultRow {
  readonly word: string;
  readonly folded: string;
  readonly known: boolean;
  readonly completions: string[];
  readonly candidates: string[];
}

export class PostgresOpportunitySearch implements OpportunitySearch {
  private readonly statements: {
    readonly forward: PreparedStatement<SearchParams>;
    readonly backward: PreparedStatement<SearchParams>;
    readonly vocabulary: PreparedStatement<VocabularyParams>;
    readonly vocabularyTitle: Record<'forward' | 'backward', PreparedStatement<VocabularyTitleParams>>;
    readonly vocabularyIntersection: Record<'forward' | 'backward', PreparedStatement<VocabularyIntersectionParams>>;
  };
  private readonly titlePostings: TitlePostings;
  private readonly facetStatements: OpportunityFacetStatements;

  constructor(
    orm: MikroORM,
    private readonly limits: SearchLimits = SEARCH_LIMITS,
    /** Searches are reads that may be slightly stale: they go to a replica when one is healthy. */
    private readonly queries: RoutedQueries = new RoutedQueries(orm),
  ) {
    // Used only to compile the statements, once; they run on the routed pools.
    const db = orm.em.fork().getKysely<SearchDatabase>();
    this.statements = {
      forward: searchStatement(db, 'forward', limits.recentWindow, limits.walkRows),
      backward: searchStatement(db, 'backward', limits.recentWindow, limits.walkRows),
      vocabulary: vocabularyStatement(db),
      vocabularyTitle: {
        forward: vocabularyTitleStatement(db, 'forward'),
        backward: vocabularyTitleStatement(db, 'backward'),
      },
      vocabularyIntersection: {
        forward: vocabularyIntersectionStatement(db, 'forward'),
        backward: vocabularyIntersectionStatement(db, 'backward'),
      },
    };
    this.titlePostings = new TitlePostings(db, queries);
    this.facetStatements = new OpportunityFacetStatements(db, limits.facetWalkRows);
  }

  async search(request: SearchRequest): Promise<SearchResults> {
    const { query, page } = request;
    const position = page.before ?? page.after;
    if (query.clauses.length === 0) return { items: [], hasMore: false, suggestion: null };
    const { expansions, best, answered } = await this.expand(request);
    const texts = queryTexts(query, expansions);
    // Counted beside the search, on another connection: the same words, the whole match set.
    const facets = request.facets && this.countFacets(request, request.facets, texts);
    // Awaited below; this only keeps a failure from going unobserved when the search fails first.
    facets?.catch(() => undefined);
    const titleTier = await this.titlePostings.titleTier(request, expansions, texts, this.limits, answered);
    const rows = await this.run<SearchRow, SearchParams>(
      this.statements[page.before ? 'backward' : 'forward'],
      searchParameters(request, texts, this.limits, titleTier),
    );
    const lexemes = queryLexemes(rows[0]?.lexemes ?? []);
    const items = rows.slice(0, page.limit).map((row) => hitFromRow(row, lexemes));
    const ordered = page.before ? items.reverse() : items;
    // A suggestion only helps when the typed words found nothing on their own.
    const exactFound = rows.some((row) => row.typos === 0);
    const firstPage = position === undefined;
    const suggestion = firstPage && !exactFound ? correctedText(query, best) : null;
    return {
      items: ordered,
      hasMore: rows.length > page.limit,
      suggestion,
      ...(facets ? { facets: await facets } : {}),
    };
  }

  private async countFacets(request: SearchRequest, fields: readonly FacetField[], texts: QueryTexts) {
    const { filters, near } = request;
    const statement = this.facetStatements.statement(filters, near !== undefined, texts);
    const bound = this.limits.facetBound ?? FACET_BOUND;
    const params = facetParams(filters, near, texts, bound);
    const rows = await this.run<FacetRow & QueryResultRow, FacetParams>(statement, params);
    const { groups, matched } = facetGroups(rows, bound);
    return tallyFacets(fields, groups, matched, bound);
  }

  /**
   * Completions of the word being typed, and corrections of unknown words within the typo rules.
   * The title tier of one or two clauses comes back from the same statement when no word may be a typo.
   */
  private async expand(request: SearchRequest): Promise<Expanded> {
    const { query } = request;
    const terms = query.clauses.flatMap((clause) => clause.alternatives.filter((term) => term.words.length === 1));
    const wanted = terms.filter((term) => term.prefix || correctable(term.words[0] as string));
    const vocabulary: VocabularyParams = {
      words: wanted.map((term) => term.words[0] as string),
      complete: wanted.map((term) => term.prefix),
      typos: wanted.map((term) => typosToCorrect(term.words[0] as string)),
    };
    const direction = request.page.before ? 'backward' : 'forward';
    const tier = tierBeforeCorrections(request, this.limits);
    if (tier !== null && 'title' in tier) {
      const rows = await this.run<VocabularyTitleRow, VocabularyTitleParams>(
        this.statements.vocabularyTitle[direction],
        {
          ...vocabulary,
          typed: tier.title.words,
          ...tier.title.stretch,
        },
      );
      return { ...expansionsOf(lookedUp(rows)), answered: rows[0]?.titled ? { title: rows[0] } : {} };
    }
    if (tier !== null) {
      const { first, second, ...stretch } = tier.intersection.params;
      const completing = query.clauses.findIndex((clause) => clause.alternatives.some((term) => term.prefix));
      const rows = await this.run<VocabularyIntersectionRow, VocabularyIntersectionParams>(
        this.statements.vocabularyIntersection[direction],
        { ...vocabulary, first, second, ...stretch, completing: COMPLETING[completing] ?? 'none' },
      );
      return { ...expansionsOf(lookedUp(rows)), answered: rows[0]?.titled ? { intersection: rows[0] } : {} };
    }
    if (wanted.length === 0) return { expansions: NO_EXPANSIONS, best: new Map(), answered: {} };
    const rows = await this.run<VocabularyRow, VocabularyParams>(this.statements.vocabulary, vocabulary);
    return { ...expansionsOf(rows), answered: {} };
  }

  private run<R extends QueryResultRow, P>(statement: PreparedStatement<P>, params: P): Promise<R[]> {
    return this.queries.read<R>(bind(statement, params));
  }
}

interface Expanded {
  readonly expansions: Expansions;
  /** The most likely correction of each corrected word, for the suggestion. */
  readonly best: ReadonlyMap<string, string>;
  /** The title tier, when the vocabulary look-up answered it. */
  readonly answered: AnsweredTier;
}

/** Which clause has the word being typed, by index. */
const COMPLETING = ['first', 'second'] as const;

/** The rows of a merged statement that carry a looked-up word. */
function lookedUp(rows: readonly (VocabularyTitleRow | VocabularyIntersectionRow)[]): VocabularyRow[] {
  return rows.filter((row): row is VocabularyRow & typeof row => row.word !== null);
}

function expansionsOf(rows: readonly VocabularyRow[]): Omit<Expanded, 'answered'> {
  const completions = new Map<string, string[]>();
  const fixes = new Map<string, string[]>();
  const best = new Map<string, string>();
  for (const row of rows) {
    if (row.completions.length > 0) completions.set(row.word, row.completions);
    // A known word, or a word being typed that known words start with, is not a typo.
    if (row.known || row.completions.length > 0) continue;
    const found = corrections(row.folded, row.candidates);
    if (found.length === 0) continue;
    fixes.set(row.word, found);
    best.set(row.word, found[0] as string);
  }
  return { expansions: { completions, corrections: fixes }, best };
}

function hitFromRow(row: SearchRow, lexemes: QueryLexemes): SearchHit {
  // The chord in metres on earthdistance's sphere, as in the nearby listing.
  const key = row.distance_key;
  return {
    ...(key === null || key === undefined ? {} : { distanceKm: greatCircleKmOfChord(Number(key) / 1000) }),
    opportunity: opportunityFromRow(row),
    rank: Number(row.rank),
    highlight: {
      title: highlightMatches(row.title, lexemes),
      description: snippet(highlightMatches(row.description, lexemes)),
    },
  };
}
