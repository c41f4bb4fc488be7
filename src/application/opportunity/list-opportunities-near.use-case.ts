import type { NearbyOrder, NearQuery } from '../../domain/opportunity/nearby.js';
import type {
  Nearby,
  OpportunityFilters,
  OpportunityRepository,
} from '../../domain/opportunity/opportunity-repository.port.js';
import { loadPage, type Page, type PageQuery } from './pagination.js';

/** "Near me": within a radius of a point, newest first or nearest first, each with its distance. */
export class ListOpportunitiesNear {
  constructor(private readonly opportunities: OpportunityRepository) {}

  execute(filters: OpportunityFilters, near: NearQuery, order: NearbyOrder, page: PageQuery): Promise<Page<Nearby>> {
    return loadPage(
      page,
      (request) => this.opportunities.listNear(filters, near, order, request),
      (item) => ({
        createdAt: item.opportunity.createdAt,
        id: item.opportunity.id,
        ...(order === 'distance' ? { distanceKey: item.distanceKey } : {}),
      }),
    );
  }
}
