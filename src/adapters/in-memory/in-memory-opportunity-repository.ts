import { ConflictError } from '../../domain/domain-errors.js';
import { Opportunity } from '../../domain/opportunity/opportunity.js';
import type {
  OpportunityFilters,
  OpportunityRepository,
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

/** Case and accents ignored, like the PostgreSQL adapter's `opportunity_fold`. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function copy(opportunity: Opportunity): Opportunity {
  return Opportunity.restore(opportunity.toSnapshot());
}
