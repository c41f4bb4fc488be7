import type { MikroORM } from '@mikro-orm/postgresql';
import type { QueryResultRow } from 'pg';
import type {
  OpportunitySearch,
  SearchHit,
  SearchRequest,
  SearchResults,
} from '../../../domain/opportunity/search/opportunity-search.port.js';
import { correctedText, type SearchQuery } from '../../../domain/opportunity/search/search-query.js';
import { correctable, corrections } from '../../../domain/opportunity/search/typo-rules.js';
import { opportunityFromRow, type OpportunityRow } from '../opportunity-row.js';
import { statementName } from '../prepared-statement.js';
import { RoutedQueries } from '../routed-queries.js';
import { highlightRuns, snippet } from './highlight-runs.js';
import { RECENT_WINDOW, searchSql, VOCABULARY_SQL } from './search-sql.js';
import { type TitleTier, TitlePostings } from './title-postings.js';
import { type Expansions, queryTexts } from './tsquery-text.js';

/**
 * How many candidates one search ranks at most, and how many index matches a tier may read to
 * find them when filters reject some. These bound every request's cost; see the README's search
 * section for what the cap trades away.
 */
export interface SearchLimits {
  /** How many of the newest rows are read in time order (the rest through GIN indexes). */
  readonly recentWindow: number;
  readonly full: { readonly candidates: number; readonly scanBudget: number };
  readonly suggest: { readonly candidates: number; readonly scanBudget: number };
}

export const SEARCH_LIMITS: SearchLimits = {
  recentWindow: RECENT_WINDOW,
  full: { candidates: 500, scanBudget: 5_000 },
  suggest: { candidates: 50, scanBudget: 500 },
};

interface SearchRow extends OpportunityRow {
  readonly rank: number;
  readonly typos: number;
  readonly title_marks: string;
  readonly description_marks: string;
}

interface VocabularyRow extends QueryResultRow {
  readonly word: string;
  readonly folded: string;
  readonly known: boolean;
  readonly completions: string[];
  readonly candidates: string[];
}

export class MikroOrmOpportunitySearch implements OpportunitySearch {
  private readonly statements: Record<'forward' | 'backward' | 'vocabulary', { text: string; name: string }>;
  private readonly titlePostings: TitlePostings;

  constructor(
    orm: MikroORM,
    private readonly limits: SearchLimits = SEARCH_LIMITS,
    /** Searches are reads that may be slightly stale: they go to a replica when one is healthy. */
    private readonly queries: RoutedQueries = new RoutedQueries(orm),
  ) {
    const named = (statement: string, text: string) => ({
      text,
      name: statementName(`search_${statement}`, text),
    });
    this.statements = {
      forward: named('forward', searchSql('forward', limits.recentWindow)),
      backward: named('backward', searchSql('backward', limits.recentWindow)),
      vocabulary: named('vocabulary', VOCABULARY_SQL),
    };
    this.titlePostings = new TitlePostings(orm.em.fork().getKysely(), queries);
  }

  async search(request: SearchRequest): Promise<SearchResults> {
    const { query, page } = request;
    const position = page.before ?? page.after;
    if (query.clauses.length === 0) return { items: [], hasMore: false, suggestion: null };
    const { expansions, best } = await this.expand(query);
    const titleTier = await this.titlePostings.titleTier(request, expansions, this.limits[request.mode]);
    const rows = await this.run<SearchRow>(
      page.before ? 'backward' : 'forward',
      searchParameters(request, expansions, this.limits, titleTier),
    );
    const items = rows.slice(0, page.limit).map(hitFromRow);
    const ordered = page.before ? items.reverse() : items;
    // A suggestion only helps when the typed words found nothing on their own.
    const exactFound = rows.some((row) => row.typos === 0);
    const firstPage = position === undefined;
    const suggestion = firstPage && !exactFound ? correctedText(query, best) : null;
    return { items: ordered, hasMore: rows.length > page.limit, suggestion };
  }

  /** Completions of the word being typed, and corrections of unknown words within the typo rules. */
  private async expand(query: SearchQuery): Promise<{ expansions: Expansions; best: Map<string, string> }> {
    const terms = query.clauses.flatMap((clause) => clause.alternatives.filter((term) => term.words.length === 1));
    const wanted = terms.filter((term) => term.prefix || correctable(term.words[0] as string));
    const completions = new Map<string, string[]>();
    const fixes = new Map<string, string[]>();
    const best = new Map<string, string>();
    if (wanted.length > 0) {
      const rows = await this.run<VocabularyRow>('vocabulary', [
        wanted.map((term) => term.words[0]),
        wanted.map((term) => term.prefix),
        wanted.map((term) => correctable(term.words[0] as string)),
      ]);
      for (const row of rows) {
        if (row.completions.length > 0) completions.set(row.word, row.completions);
        // A known word, or a word being typed that known words start with, is not a typo.
        if (row.known || row.completions.length > 0) continue;
        const found = corrections(row.folded, row.candidates);
        if (found.length === 0) continue;
        fixes.set(row.word, found);
        best.set(row.word, found[0] as string);
      }
    }
    return { expansions: { completions, corrections: fixes }, best };
  }

  private run<R extends QueryResultRow>(statement: keyof typeof this.statements, values: unknown[]): Promise<R[]> {
    const { text, name } = this.statements[statement];
    return this.queries.read<R>({ name, text, values });
  }
}

/** The statement's parameters, in the order search-sql.ts documents. */
export function searchParameters(
  request: SearchRequest,
  expansions: Expansions,
  allLimits: SearchLimits = SEARCH_LIMITS,
  titleTier: TitleTier = { ids: null },
): unknown[] {
  const { query, filters, page, mode } = request;
  const texts = queryTexts(query, expansions);
  const limits = allLimits[mode];
  const position = page.before ?? page.after;
  return [
    texts.any,
    texts.exact,
    texts.title,
    texts.tags,
    texts.all,
    texts.some,
    texts.excluded,
    filters.category ?? null,
    filters.status ?? null,
    filters.location ?? null,
    filters.tag ?? null,
    filters.createdBy ?? null,
    mode === 'suggest',
    titleTier.cap ?? limits.candidates,
    limits.scanBudget,
    position?.rank ?? null,
    position?.createdAt ?? null,
    position?.id ?? null,
    page.limit + 1,
    texts.title.join(' & '),
    titleTier.ids,
  ];
}

function hitFromRow(row: SearchRow): SearchHit {
  return {
    opportunity: opportunityFromRow(row),
    rank: Number(row.rank),
    highlight: { title: highlightRuns(row.title_marks), description: snippet(highlightRuns(row.description_marks)) },
  };
}
