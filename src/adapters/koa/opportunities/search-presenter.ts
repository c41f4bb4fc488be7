import type { Context } from 'koa';
import type { SearchPage } from '../../../application/opportunity/search-opportunities.use-case.js';
import type { SearchHit, TextRun } from '../../../domain/opportunity/search/opportunity-search.port.js';
import {
  kilometres,
  type OpportunityJson,
  presentFacets,
  presentOpportunity,
  presentPage,
} from './opportunity-presenter.js';

export interface SearchHitJson extends OpportunityJson {
  /** Which parts matched, as text runs: the app styles runs with `match: true`, no markup involved. */
  highlight: { title: TextRun[]; description: TextRun[] };
  distanceKm?: number;
}

function presentHit(hit: SearchHit): SearchHitJson {
  return {
    ...presentOpportunity(hit.opportunity),
    highlight: { title: [...hit.highlight.title], description: [...hit.highlight.description] },
    ...(hit.distanceKm === undefined ? {} : { distanceKm: kilometres(hit.distanceKm) }),
  };
}

/** The listing shape plus `suggestion` (a corrected query, or null). */
export function presentSearchPage(ctx: Context, publicUrl: string | undefined, page: SearchPage) {
  return {
    ...presentPage(ctx, publicUrl, page, presentHit),
    suggestion: page.suggestion,
    ...(page.facets ? presentFacets(page.facets) : {}),
  };
}

/** As-you-type suggestions: just what a dropdown shows. */
export function presentSuggestions(page: SearchPage) {
  return {
    suggestion: page.suggestion,
    results: page.items.map((hit) => ({
      id: hit.opportunity.id,
      title: hit.opportunity.title,
      highlight: [...hit.highlight.title],
    })),
  };
}
