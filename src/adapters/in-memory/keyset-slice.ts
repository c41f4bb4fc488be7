import type { Opportunity } from '../../domain/opportunity/opportunity.js';
import type { PagePosition, PageRequest } from '../../domain/opportunity/opportunity-repository.port.js';

export interface Ranked {
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

export function keysetSlice<T extends Ranked>(entries: T[], page: PageRequest): { items: T[]; hasMore: boolean } {
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
