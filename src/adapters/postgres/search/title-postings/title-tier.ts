import type { SearchClause } from '../../../../domain/opportunity/search/search-query.js';
import type { Expansions } from '../query/tsquery-text.js';

/** What the search statement takes from the title postings. */
export interface TitleTier {
  /** The title tier's ids in the page's walking order; null: the title tier reads the GIN index instead. */
  readonly ids: string[] | null;
  /** Replaces the candidate cap when the ids are exactly the rows the page can show. */
  readonly cap?: number;
}

/** A clause's words for the postings (as typed, completions, corrections), or null for a phrase. */
export function clauseWords(
  clause: SearchClause,
  expansions: Expansions,
): { words: string[]; corrected: boolean } | null {
  const words: string[] = [];
  let corrected = false;
  for (const term of clause.alternatives) {
    const [word, ...rest] = term.words;
    if (word === undefined || rest.length > 0) return null;
    const corrections = expansions.corrections.get(word) ?? [];
    words.push(word, ...(term.prefix ? (expansions.completions.get(word) ?? []) : []), ...corrections);
    corrected ||= corrections.length > 0;
  }
  return { words, corrected };
}
