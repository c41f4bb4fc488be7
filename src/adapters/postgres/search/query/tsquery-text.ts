import type { SearchQuery, SearchTerm } from '../../../../domain/opportunity/search/search-query.js';

/**
 * Turns a parsed query into `to_tsquery` input. Words hold only letters and digits (the parser
 * guarantees it), so quoting them is enough to keep any user text from being read as query
 * syntax; the text search configuration then folds accents, stems and drops stop words.
 */
export interface ClauseTexts {
  /** The clause as typed, or any of its corrections. */
  readonly any: string[];
  /** The clause as typed only. */
  readonly exact: string[];
  /** `any`, restricted to title lexemes (weight A). */
  readonly title: string[];
  /** `any`, restricted to tag lexemes (weight B). */
  readonly tags: string[];
}

export interface QueryTexts extends ClauseTexts {
  readonly all: string;
  readonly some: string;
  /** Empty when nothing is excluded. */
  readonly excluded: string;
}

/** Other words a typed word may stand for, by typed word (lower-case). */
export interface Expansions {
  /** Known words the word being typed may become (as-you-type); they count as exact matches. */
  readonly completions: ReadonlyMap<string, readonly string[]>;
  /** Known words the typed word may be a typo of. */
  readonly corrections: ReadonlyMap<string, readonly string[]>;
}

export const NO_EXPANSIONS: Expansions = { completions: new Map(), corrections: new Map() };

function termText(words: readonly string[], weight: string): string {
  const lexemes = words.map((word) => `'${word}'${weight === '' ? '' : `:${weight}`}`);
  return lexemes.length === 1 ? (lexemes[0] as string) : `(${lexemes.join(' <-> ')})`;
}

/**
 * Prefixes are matched through the completions found in the vocabulary, never with `:*`: a
 * prefix in a GIN scan collects every posting of every matching lexeme before anything else
 * happens (tens of milliseconds for a common prefix at a million rows), while a few exact
 * lexemes are intersected cheaply.
 */
function clauseText(alternatives: readonly SearchTerm[], expansions: Expansions, typos: boolean, weight: string) {
  const texts = alternatives.flatMap((term) => {
    const word = term.words.length === 1 ? (term.words[0] as string) : undefined;
    const extra =
      word === undefined
        ? []
        : [
            ...(term.prefix ? (expansions.completions.get(word) ?? []) : []),
            ...(typos ? (expansions.corrections.get(word) ?? []) : []),
          ].filter((other) => other !== word);
    return [termText(term.words, weight), ...extra.map((other) => termText([other], weight))];
  });
  return texts.length === 1 ? (texts[0] as string) : `(${texts.join(' | ')})`;
}

export function queryTexts(query: SearchQuery, expansions: Expansions): QueryTexts {
  const each = (typos: boolean, weight: string) =>
    query.clauses.map((clause) => clauseText(clause.alternatives, expansions, typos, weight));
  const any = each(true, '');
  return {
    any,
    exact: each(false, ''),
    title: each(true, 'A'),
    tags: each(true, 'B'),
    all: any.join(' & '),
    some: any.join(' | '),
    excluded: query.excluded.map((term) => termText(term.words, '')).join(' | '),
  };
}
