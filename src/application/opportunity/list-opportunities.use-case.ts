import type { Opportunity } from '../../domain/opportunity/opportunity.js';
import type {
  OpportunityFilters,
  OpportunityRepository,
} from '../../domain/opportunity/opportunity-repository.port.js';
import { loadPage, type Page, type PageQuery } from './pagination.js';

export class ListOpportunities {
  constructor(private readonly opportunities: OpportunityRepository) {}

  /** Newest first. */
  execute(filters: OpportunityFilters, page: PageQuery): Promise<Page<Opportunity>> {
    return loadPage(
      page,
      (request) => this.opportunities.list(filters, request),
      (item) => ({ createdAt: item.createdAt, id: item.id }),
    );
  }
}
