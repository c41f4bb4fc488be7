import type { Context } from 'koa';
import type { Page } from '../../../application/opportunity/pagination.js';
import type { Opportunity } from '../../../domain/opportunity/opportunity.js';
import type { Nearby } from '../../../domain/opportunity/opportunity-repository.port.js';
import type { FacetCounts } from '../../../domain/opportunity/facets.js';
import { encodeCursor } from './cursor-codec.js';

export interface OpportunityJson {
  id: string;
  title: string;
  description: string;
  category: string;
  location: string | null;
  coordinates: { lat: number; lng: number } | null;
  tags: string[];
  status: string;
  deadline: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export function presentOpportunity(opportunity: Opportunity): OpportunityJson {
  return {
    id: opportunity.id,
    title: opportunity.title,
    description: opportunity.description,
    category: opportunity.category,
    location: opportunity.location,
    coordinates: opportunity.coordinates === null ? null : { ...opportunity.coordinates },
    tags: [...opportunity.tags],
    status: opportunity.status,
    deadline: opportunity.deadline,
    createdBy: opportunity.createdBy,
    createdAt: opportunity.createdAt.toISOString(),
    updatedAt: opportunity.updatedAt.toISOString(),
    version: opportunity.version,
  };
}

/** An opportunity found near a point: `distanceKm`, great-circle, to the metre. */
export function presentNearby(item: Nearby): OpportunityJson & { distanceKm: number } {
  return { ...presentOpportunity(item.opportunity), distanceKm: kilometres(item.distanceKm) };
}

/**
 * `facets` (field → value → count) and `facetsExact`: false when more than FACET_BOUND rows
 * matched, and the counts are those of the first ones found (lower bounds).
 */
export function presentFacets(facets: FacetCounts) {
  return { facets: facets.counts, facetsExact: facets.exact };
}

/** Distances are shown to the metre. */
export const kilometres = (km: number): number => Math.round(km * 1000) / 1000;

/**
 * DRF cursor pagination's shape: `next` / `previous` links (or null) and `results`. The links are
 * built from the request's path and query only, on `publicUrl` when configured and relative
 * otherwise: never from the Host header or an absolute-form request target, which a client (or an
 * attacker poisoning a shared cache) controls.
 */
export function presentPage<T, J = OpportunityJson>(
  ctx: Context,
  publicUrl: string | undefined,
  page: Page<T>,
  present: (item: T) => J,
) {
  const link = (cursor: Page<T>['next']): string | null => {
    if (!cursor) return null;
    const query = new URLSearchParams(ctx.querystring);
    query.set('cursor', encodeCursor(cursor));
    return `${publicUrl ?? ''}${ctx.path}?${query.toString()}`;
  };
  return { next: link(page.next), previous: link(page.previous), results: page.items.map(present) };
}
