import type { FacetCounts, FacetField } from '../facets.js';
import type { NearQuery } from '../nearby.js';
import type { Opportunity } from '../opportunity.js';
import type { OpportunityFilters, PageRequest, Slice } from '../opportunity-repository.port.js';
import type { SearchQuery } from './search-query.js';

/** A stretch of text and whether it matched the query: apps render these safely, no markup involved. */
export interface TextRun {
  readonly text: string;
  readonly match: boolean;
}

export interface SearchHighlight {
  /** The whole title, cut into runs. */
  readonly title: readonly TextRun[];
  /** The description, or for long ones a snippet around the first match ("…" marks cuts), cut into runs. */
  readonly description: readonly TextRun[];
}

export interface SearchHit {
  readonly opportunity: Opportunity;
  /** Relevance: higher first; equal relevance is ordered newest first. */
  readonly rank: number;
  readonly highlight: SearchHighlight;
  /** With `near`: the great-circle distance from its point, in km. */
  readonly distanceKm?: number;
}

export interface SearchResults extends Slice<SearchHit> {
  /** The query with its typos corrected, when the results come only from corrections (or nothing matched). */
  readonly suggestion: string | null;
  /** When asked for: counts over every row matching a word of the query (or its completions and corrections), bounded. */
  readonly facets?: FacetCounts;
}

export interface SearchRequest {
  readonly query: SearchQuery;
  readonly filters: OpportunityFilters;
  readonly page: PageRequest;
  /** `suggest`: titles only and a lighter candidate set, for results while typing. */
  readonly mode: 'full' | 'suggest';
  /**
   * Only opportunities with coordinates within the radius: a filter, like the others. The order
   * stays relevance (then newest); distance does not reorder results, it is reported on each hit.
   */
  readonly near?: NearQuery;
  readonly facets?: readonly FacetField[];
}

/**
 * Relevance-ranked search. Order: documents matching more clauses first, then fewer corrected
 * typos, then matches in the title (then tags, then description), then newest.
 */
export interface OpportunitySearch {
  search(request: SearchRequest): Promise<SearchResults>;
}
