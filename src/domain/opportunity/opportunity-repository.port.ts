import type { Opportunity } from './opportunity.js';
import type { FacetCounts, FacetField } from './facets.js';
import type { NearbyOrder, NearQuery } from './nearby.js';
import type { OpportunityStatus } from './opportunity-rules.js';

export interface OpportunityFilters {
  readonly category?: string;
  readonly status?: OpportunityStatus;
  readonly createdBy?: string;
  /** Same place, ignoring case and accents (`lisbon` finds "Lisbon", `krakow` finds "Kraków"). */
  readonly location?: string;
  /** Carries this tag (exactly as stored). */
  readonly tag?: string;
}

/**
 * A place in an ordered listing (keyset pagination). Listings are ordered newest first by
 * (createdAt, id); search results by (rank, createdAt, id), all descending; nearest first by
 * (distanceKey ascending, then createdAt, id descending).
 */
export interface PagePosition {
  readonly createdAt: Date;
  readonly id: string;
  readonly rank?: number;
  /**
   * The order key of nearest-first listings, as the adapter that made it measures it (a chord
   * through the Earth, which orders like the great-circle distance): compared exactly, never shown.
   */
  readonly distanceKey?: number;
}

export interface PageRequest {
  /** How many items at most. */
  readonly limit: number;
  /** Items strictly after this position, in listing order. */
  readonly after?: PagePosition;
  /** Items strictly before this position, in listing order (walking backwards). */
  readonly before?: PagePosition;
}

export interface Slice<T> {
  /** Always in listing order, whichever direction was walked. */
  readonly items: readonly T[];
  /** Whether more items exist beyond this slice in the walked direction. */
  readonly hasMore: boolean;
}

/** An opportunity found near a point, with how far it is. */
export interface Nearby {
  readonly opportunity: Opportunity;
  /** Great-circle distance from the query's point, in km. */
  readonly distanceKm: number;
  readonly distanceKey: number;
}

export interface OpportunityRepository {
  add(opportunity: Opportunity): Promise<void>;
  /**
   * Stores a revised opportunity only if the stored version is still `expectedVersion`;
   * otherwise raises a ConflictError (a concurrent update or delete won).
   */
  update(opportunity: Opportunity, expectedVersion: number): Promise<void>;
  /** Removes it (only at `expectedVersion` when given); false when nothing matching was there. */
  remove(id: string, expectedVersion?: number): Promise<boolean>;
  findById(id: string): Promise<Opportunity | null>;
  list(filters: OpportunityFilters, page: PageRequest): Promise<Slice<Opportunity>>;
  /**
   * Those with coordinates within `near.radiusKm` of `near.point` that pass the filters, newest
   * first or nearest first (equally distant ones newest first).
   */
  listNear(filters: OpportunityFilters, near: NearQuery, order: NearbyOrder, page: PageRequest): Promise<Slice<Nearby>>;
  /** Facet counts over everything a listing with these filters (and `near`) would show; bounded (facets.ts). */
  countFacets(fields: readonly FacetField[], filters: OpportunityFilters, near?: NearQuery): Promise<FacetCounts>;
}
