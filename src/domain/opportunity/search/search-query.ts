/**
 * What a user typed in the search box, understood the way web search engines do (PostgreSQL's
 * `websearch_to_tsquery` syntax): plain words must all match, `"a phrase"` matches adjacent
 * words, `-word` / `-"a phrase"` exclude, and `or` between two terms accepts either. The last word
 * is a prefix while the user is still typing it (no trailing space), so `pyth men` finds
 * "Python mentor". Words are runs of letters and digits: punctuation never reaches a query
 * language, so any text parses.
 */
export interface SearchTerm {
  /** One word, or several for a phrase. Lower-case, as typed otherwise (accents are folded later). */
  readonly words: readonly string[];
  /** The term's single word may be the beginning of a longer word (as-you-type). */
  readonly prefix: boolean;
}

/** One requirement of the query: at least one of its alternatives must match (`a or b`). */
export interface SearchClause {
  readonly alternatives: readonly SearchTerm[];
}

export interface SearchQuery {
  /** Documents matching every clause rank first; documents matching some of them follow. */
  readonly clauses: readonly SearchClause[];
  readonly excluded: readonly SearchTerm[];
}

/** Like Meilisearch: words beyond the tenth are ignored, which keeps every query's cost bounded. */
export const MAX_SEARCH_CLAUSES = 10;
export const MAX_EXCLUDED_TERMS = 10;
const MAX_ALTERNATIVES = 5;

const TOKEN = /(-?)"([^"]*)"?|(\S+)/gu;
const WORD = /[\p{L}\p{N}]+/gu;

function wordsOf(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).slice(0, MAX_SEARCH_CLAUSES);
}

interface Token {
  readonly term: SearchTerm;
  readonly negated: boolean;
  readonly or: boolean;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const [, quoteSign, quoted, bare] = match;
    if (bare !== undefined && bare.toLowerCase() === 'or') {
      tokens.push({ term: { words: [], prefix: false }, negated: false, or: true });
      continue;
    }
    const negated = quoted !== undefined ? quoteSign === '-' : (bare ?? '').startsWith('-');
    const words = wordsOf(quoted ?? bare ?? '');
    if (words.length === 0) continue;
    tokens.push({ term: { words, prefix: false }, negated, or: false });
  }
  return tokens;
}

export function parseSearchQuery(text: string): SearchQuery {
  const tokens = tokenize(text);
  const clauses: SearchTerm[][] = [];
  const excluded: SearchTerm[] = [];
  let joinNext = false;
  for (const token of tokens) {
    if (token.or) {
      joinNext = clauses.length > 0;
      continue;
    }
    if (token.negated) {
      if (excluded.length < MAX_EXCLUDED_TERMS) excluded.push(token.term);
      joinNext = false;
      continue;
    }
    const previous = clauses[clauses.length - 1];
    if (joinNext && previous && previous.length < MAX_ALTERNATIVES) previous.push(token.term);
    else if (clauses.length < MAX_SEARCH_CLAUSES) clauses.push([token.term]);
    joinNext = false;
  }
  markPrefix(clauses, tokens, text);
  return { clauses: clauses.map((alternatives) => ({ alternatives })), excluded };
}

/** The last word is still being typed unless the text ends with a space or a closing quote. */
function markPrefix(clauses: SearchTerm[][], tokens: Token[], text: string): void {
  const lastToken = tokens[tokens.length - 1];
  const lastClause = clauses[clauses.length - 1];
  const lastTerm = lastClause?.[lastClause.length - 1];
  if (!lastToken || !lastClause || lastTerm !== lastToken.term || /[\s"]$/u.test(text)) return;
  if (lastTerm.words.length !== 1) return;
  lastClause[lastClause.length - 1] = { words: lastTerm.words, prefix: true };
}

/** The query's positive words in order, for messages such as a suggested correction. */
export function queryWords(query: SearchQuery): string[] {
  return query.clauses.flatMap((clause) => clause.alternatives.flatMap((term) => term.words));
}

/** The query as words again, each corrected word replaced by its best correction ("did you mean"). */
export function correctedText(query: SearchQuery, best: ReadonlyMap<string, string>): string | null {
  const words = queryWords(query);
  if (!words.some((word) => best.has(word))) return null;
  return words.map((word) => best.get(word) ?? word).join(' ');
}
