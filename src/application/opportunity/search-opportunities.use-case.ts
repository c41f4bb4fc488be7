import { ValidationError } from '../../domain/domain-errors.js';
import type {
  OpportunityFilters,
  OpportunityRepository,
  SearchHit,
} from '../../domain/opportunity/opportunity-repository.port.js';
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

export class SearchOpportunities {
  constructor(private readonly opportunities: OpportunityRepository) {}

  /** Most relevant first; equally relevant ones newest first. */
  execute(text: string, filters: OpportunityFilters, page: PageQuery): Promise<Page<SearchHit>> {
    const checked = checkSearchText(text);
    if (!checked.ok) throw new ValidationError([{ field: 'q', message: checked.message }]);
    return loadPage(
      page,
      (request) => this.opportunities.search(checked.value, filters, request),
      (hit) => ({ createdAt: hit.opportunity.createdAt, id: hit.opportunity.id, rank: hit.rank }),
    );
  }
}
