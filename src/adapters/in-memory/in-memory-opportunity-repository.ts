import { ConflictError } from '../../domain/domain-errors.js';
import { Opportunity } from '../../domain/opportunity/opportunity.js';
import type {
  OpportunityFilters,
  OpportunityRepository,
  PagePosition,
  PageRequest,
  SearchHit,
  Slice,
} from '../../domain/opportunity/opportunity-repository.port.js';
import { scoreText } from './in-memory-text-score.js';

/**
 * Keeps opportunities in a Map. Used by application tests (no database) and as the reference the
 * repository contract suite holds the MikroORM adapter to. Stores copies so callers cannot mutate
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

  async search(query: string, filters: OpportunityFilters, page: PageRequest): Promise<Slice<SearchHit>> {
    const hits = this.filtered(filters).flatMap((opportunity) => {
      const rank = scoreText(query, opportunity);
      return rank > 0 ? [{ opportunity, rank }] : [];
    });
    const slice = keysetSlice(hits, page);
    return {
      items: slice.items.map((hit) => ({ opportunity: copy(hit.opportunity), rank: hit.rank ?? 0 })),
      hasMore: slice.hasMore,
    };
  }

  private filtered(filters: OpportunityFilters): Opportunity[] {
    return [...this.rows.values()].filter(
      (row) =>
        (filters.category === undefined || row.category === filters.category) &&
        (filters.status === undefined || row.status === filters.status) &&
        (filters.createdBy === undefined || row.createdBy === filters.createdBy),
    );
  }
}

interface Ranked {
  readonly opportunity: Opportunity;
  readonly rank: number | undefined;
}

/** Positive when `a` comes before `b` in listing order (higher rank, then newer, then greater id). */
function precedence(a: PagePosition, b: PagePosition): number {
  const byRank = (a.rank ?? 0) - (b.rank ?? 0);
  if (byRank !== 0) return byRank;
  const byTime = a.createdAt.getTime() - b.createdAt.getTime();
  if (byTime !== 0) return byTime;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function positionOf(entry: Ranked): PagePosition {
  return { createdAt: entry.opportunity.createdAt, id: entry.opportunity.id, rank: entry.rank };
}

function keysetSlice(entries: Ranked[], page: PageRequest): { items: Ranked[]; hasMore: boolean } {
  const ordered = entries.sort((a, b) => precedence(positionOf(b), positionOf(a)));
  if (page.before) {
    const before = page.before;
    const earlier = ordered.filter((entry) => precedence(positionOf(entry), before) > 0);
    return { items: earlier.slice(-page.limit), hasMore: earlier.length > page.limit };
  }
  const after = page.after;
  const later = after ? ordered.filter((entry) => precedence(positionOf(entry), after) < 0) : ordered;
  return { items: later.slice(0, page.limit), hasMore: later.length > page.limit };
}

function copy(opportunity: Opportunity): Opportunity {
  return Opportunity.restore(opportunity.toSnapshot());
}
