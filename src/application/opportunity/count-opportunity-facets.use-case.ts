import type { FacetCounts, FacetField } from '../../domain/opportunity/facets.js';
import type { NearQuery } from '../../domain/opportunity/nearby.js';
import type {
  OpportunityFilters,
  OpportunityRepository,
} from '../../domain/opportunity/opportunity-repository.port.js';

/** Facet counts for a listing: over all it would show, not one page; bounded (see facets.ts). */
export class CountOpportunityFacets {
  constructor(private readonly opportunities: OpportunityRepository) {}

  execute(fields: readonly FacetField[], filters: OpportunityFilters, near?: NearQuery): Promise<FacetCounts> {
    return this.opportunities.countFacets(fields, filters, near);
  }
}
