import { ValidationError } from '../../domain/domain-errors.js';
import type { FacetCounts, FacetField } from '../../domain/opportunity/facets.js';
import type { NearQuery } from '../../domain/opportunity/nearby.js';
import type { OpportunityFilters } from '../../domain/opportunity/opportunity-repository.port.js';
import type {
  OpportunitySearch,
  SearchHit,
  SearchRequest,
} from '../../domain/opportunity/search/opportunity-search.port.js';
import { parseSearchQuery } from '../../domain/opportunity/search/search-query.js';
import { loadPage, type Page, type PageQuery } from './pagination.js';
import { collapseNegations, searchTextProblem } from './search-text.js';

export const SEARCH_TEXT_MAX = 200;

/** Returns the trimmed search text, or an error message. */
export function checkSearchText(text: string): { ok: true; value: string } | { ok: false; message: string } {
  const trimmed = text.trim();
  if (trimmed.length === 0) return { ok: false, message: 'must not be blank' };
  if (trimmed.length > SEARCH_TEXT_MAX) return { ok: false, message: `must be at most ${SEARCH_TEXT_MAX} characters` };
  const problem = searchTextProblem(trimmed);
  if (problem !== undefined) return { ok: false, message: problem };
  return { ok: true, value: collapseNegations(trimmed) };
}

export interface SearchPage extends Page<SearchHit> {
  /** The corrected query when the typed words found nothing by themselves ("did you mean"). */
  readonly suggestion: string | null;
  /** When asked for. */
  readonly facets?: FacetCounts;
}

export class SearchOpportunities {
  constructor(private readonly index: OpportunitySearch) {}

  /**
   * Most relevant first; equally relevant ones newest first. `suggest` is the lighter as-you-type
   * mode: titles only, a smaller candidate set, first page only.
   */
  async execute(
    text: string,
    filters: OpportunityFilters,
    page: PageQuery,
    mode: SearchRequest['mode'] = 'full',
    near?: NearQuery,
    facets?: readonly FacetField[],
  ): Promise<SearchPage> {
    const checked = checkSearchText(text);
    if (!checked.ok) throw new ValidationError([{ field: 'q', message: checked.message }]);
    // The last word stays a prefix only while it is being typed: trailing spaces count.
    const query = parseSearchQuery(collapseNegations(text.trimStart()).slice(0, SEARCH_TEXT_MAX + 1));
    let suggestion: string | null = null;
    let counts: FacetCounts | undefined;
    const found = await loadPage(
      page,
      async (request) => {
        const results = await this.index.search({
          query,
          filters,
          page: request,
          mode,
          ...(near ? { near } : {}),
          ...(facets ? { facets } : {}),
        });
        suggestion = results.suggestion;
        counts = results.facets;
        return results;
      },
      (hit) => ({ createdAt: hit.opportunity.createdAt, id: hit.opportunity.id, rank: hit.rank }),
    );
    return { ...found, suggestion, ...(counts ? { facets: counts } : {}) };
  }
}
