import { ConflictError } from '../../domain/domain-errors.js';
import { Opportunity } from '../../domain/opportunity/opportunity.js';
import { FACET_BOUND, type FacetCounts, type FacetField, tallyFacets } from '../../domain/opportunity/facets.js';
import { chordKm, greatCircleKmOfChord, type NearbyOrder, type NearQuery } from '../../domain/opportunity/nearby.js';
import type {
  Nearby,
  OpportunityFilters,
  OpportunityRepository,
  PagePosition,
  PageRequest,
  Slice,
} from '../../domain/opportunity/opportunity-repository.port.js';
import { keysetSlice } from './keyset-slice.js';

/**
 * Keeps opportunities in a Map. Used by application tests (no database) and as the reference the
 * repository contract suite holds the PostgreSQL adapter to. Stores copies so callers cannot mutate
 * stored state behind the repository's back, as with a real database.
 */
export class InMemoryOpportunityRepository implements OpportunityRepository {
  private readonly rows = new Map<string, Opportunity>();

  /** Facet counts are exact up to `facetBound` matches (FACET_BOUND; tests lower it). */
  constructor(readonly facetBound: number = FACET_BOUND) {}

  async add(opportunity: Opportunity): Promise<void> {
    if (this.rows.has(opportunity.id)) throw new ConflictError(`Opportunity ${opportunity.id} already exists`);
    this.rows.set(opportunity.id, copy(opportunity));
  }

  async update(opportunity: Opportunity, expectedVersion: number): Promise<void> {
    const stored = this.rows.get(opportunity.id);
    if (!stored || stored.version !== expectedVersion) {
      throw new ConflictError(`Opportunity ${opportunity.id} was changed or deleted concurrently`, 'concurrent_update');
    }
    this.rows.set(opportunity.id, copy(opportunity));
  }

  async remove(id: string, expectedVersion?: number): Promise<boolean> {
    if (expectedVersion !== undefined && this.rows.get(id)?.version !== expectedVersion) return false;
    return this.rows.delete(id);
  }

  async findById(id: string): Promise<Opportunity | null> {
    const stored = this.rows.get(id);
    return stored ? copy(stored) : null;
  }

  async list(filters: OpportunityFilters, page: PageRequest): Promise<Slice<Opportunity>> {
    const matching = this.filtered(filters).map((opportunity) => ({ opportunity, rank: undefined }));
    const slice = keysetSlice(matching, page);
    return { items: slice.items.map((entry) => copy(entry.opportunity)), hasMore: slice.hasMore };
  }

  async listNear(
    filters: OpportunityFilters,
    near: NearQuery,
    order: NearbyOrder,
    page: PageRequest,
  ): Promise<Slice<Nearby>> {
    const within = this.nearby(filters, near);
    // Nearest first is "highest rank first" with the chord negated; newest first ignores it.
    const byDistance = order === 'distance';
    const ranked = within.map((nearby) => ({ ...nearby, rank: byDistance ? -nearby.distanceKey : undefined }));
    const asRanked = (position: PagePosition | undefined) =>
      position && { ...position, rank: byDistance ? -(position.distanceKey ?? 0) : undefined };
    const slice = keysetSlice(ranked, { ...page, after: asRanked(page.after), before: asRanked(page.before) });
    return {
      items: slice.items.map(({ opportunity, distanceKm, distanceKey }) => ({
        opportunity: copy(opportunity),
        distanceKm,
        distanceKey,
      })),
      hasMore: slice.hasMore,
    };
  }

  async countFacets(
    fields: readonly FacetField[],
    filters: OpportunityFilters,
    near?: NearQuery,
  ): Promise<FacetCounts> {
    const rows = near ? this.nearby(filters, near).map((found) => found.opportunity) : this.filtered(filters);
    return countOver(fields, rows, this.facetBound);
  }

  /** Those passing the filters within the radius, with their distances (for the in-memory search too). */
  nearby(filters: OpportunityFilters, near: NearQuery): Nearby[] {
    const found: Nearby[] = [];
    for (const opportunity of this.filtered(filters)) {
      if (opportunity.coordinates === null) continue;
      const distanceKey = chordKm(near.point, opportunity.coordinates);
      const distanceKm = greatCircleKmOfChord(distanceKey);
      if (distanceKm <= near.radiusKm) found.push({ opportunity, distanceKm, distanceKey });
    }
    return found;
  }

  /** Copies of the stored opportunities that pass the filters (for the in-memory search). */
  matching(filters: OpportunityFilters): Opportunity[] {
    return this.filtered(filters).map(copy);
  }

  private filtered(filters: OpportunityFilters): Opportunity[] {
    const location = filters.location === undefined ? undefined : foldText(filters.location);
    return [...this.rows.values()].filter(
      (row) =>
        (filters.category === undefined || row.category === filters.category) &&
        (filters.status === undefined || row.status === filters.status) &&
        (filters.createdBy === undefined || row.createdBy === filters.createdBy) &&
        (location === undefined || (row.location !== null && foldText(row.location) === location)) &&
        (filters.tag === undefined || row.tags.includes(filters.tag)),
    );
  }
}

/**
 * The bounded count PostgreSQL does: every row up to the bound and one more (which rows, beyond
 * the bound, is the adapter's choice: here the newest).
 */
export function countOver(fields: readonly FacetField[], rows: readonly Opportunity[], bound: number): FacetCounts {
  const counted = [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, bound + 1);
  const groups = counted.map((row) => ({ category: row.category, status: row.status, n: 1 }));
  return tallyFacets(fields, groups, counted.length, bound);
}

/** Case and accents ignored, like the PostgreSQL adapter's `opportunity_fold`. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function copy(opportunity: Opportunity): Opportunity {
  return Opportunity.restore(opportunity.toSnapshot());
}
