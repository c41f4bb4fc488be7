import type { SearchLimits } from '../../src/adapters/postgres/search/postgres-opportunity-search.js';

/**
 * Small caps, so a handful of rows fills a tier; a short window, so the window shows only when
 * used; short title walks, so a two-clause tier falls back to the GIN index within a few rows.
 */
export const SMALL_SEARCH_LIMITS: SearchLimits = {
  recentWindow: 3,
  titleWalk: 4,
  full: { candidates: 4, scanBudget: 10 },
  suggest: { candidates: 2, scanBudget: 4 },
};

/**
 * Six titles with one word, more than the small cap, listed out of time order (title, minutes
 * ago): the table order (what a GIN scan returns) is not the ranking. Newest first they are A–F.
 */
export const BEEKEEPERS: readonly (readonly [string, number])[] = [
  ['Beekeeper C', 2],
  ['Beekeeper A', 0],
  ['Beekeeper F', 5],
  ['Beekeeper B', 1],
  ['Beekeeper E', 4],
  ['Beekeeper D', 3],
];
