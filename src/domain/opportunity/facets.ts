/**
 * Facet counts: how many of the matches have each category and each status, over the whole match
 * set rather than the page. Counting is bounded, as Elasticsearch and Meilisearch bound it: exact
 * when at most FACET_BOUND rows match; beyond that, counted over the first FACET_BOUND + 1 matches
 * found and marked approximate (the counts are then lower bounds).
 */
import type { RuleResult } from './opportunity-rules.js';

export const FACET_FIELDS = ['category', 'status'] as const;
export type FacetField = (typeof FACET_FIELDS)[number];

export const FACET_BOUND = 10_000;

export interface FacetCounts {
  /** For each requested field: value → count. */
  readonly counts: Partial<Record<FacetField, Record<string, number>>>;
  /** False when more than FACET_BOUND rows matched and only the first ones were counted. */
  readonly exact: boolean;
}

/** A comma-separated list of distinct facet fields. */
export function checkFacetFields(text: string): RuleResult<FacetField[]> {
  const names = text.split(',');
  const fields = FACET_FIELDS.filter((field) => names.includes(field));
  if (fields.length !== names.length) {
    return { ok: false, message: `must be distinct names among: ${FACET_FIELDS.join(', ')}` };
  }
  return { ok: true, value: fields };
}

/** Counts per field from rows grouped by every facet field; `matched` is how many rows were counted. */
export function tallyFacets(
  fields: readonly FacetField[],
  groups: readonly ({ readonly [F in FacetField]: string } & { readonly n: number })[],
  matched: number,
  bound: number = FACET_BOUND,
): FacetCounts {
  const counts: Partial<Record<FacetField, Record<string, number>>> = {};
  for (const field of fields) {
    const tally: Record<string, number> = {};
    for (const group of groups) tally[group[field]] = (tally[group[field]] ?? 0) + group.n;
    counts[field] = tally;
  }
  return { counts, exact: matched <= bound };
}
