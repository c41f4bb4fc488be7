import { stem } from 'porter2';
import type { TextRun } from '../../../domain/opportunity/search/opportunity-search.port.js';

/** Letters that unaccent rewrites but Unicode decomposition leaves alone. */
const UNACCENT_EXTRA: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};
const EXTRA = new RegExp(`[${Object.keys(UNACCENT_EXTRA).join('')}]`, 'gu');

/** What the text search configuration does to a word before stemming: lower case, no accents. */
function fold(word: string): string {
  const lower = word.toLowerCase();
  // Plain ASCII, nearly every word, needs neither step.
  if (/^[a-z0-9]*$/.test(lower)) return lower;
  return lower
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(EXTRA, (letter) => UNACCENT_EXTRA[letter] ?? letter);
}

/**
 * Stems by folded word. A page's texts repeat the same few thousand words, so most look-ups hit;
 * the map is emptied when full rather than tracking recency (it refills in a few requests).
 */
const STEMS = new Map<string, string>();
const STEMS_MAX = 50_000;

function lexemeOf(folded: string): string {
  let lexeme = STEMS.get(folded);
  if (lexeme === undefined) {
    if (STEMS.size >= STEMS_MAX) STEMS.clear();
    lexeme = stem(folded);
    STEMS.set(folded, lexeme);
  }
  return lexeme;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** A query's lexemes, prepared once per request for marking every text of its results. */
export interface QueryLexemes {
  readonly lexemes: ReadonlySet<string>;
  /**
   * Their first letters. Porter2 keeps a word's first letter, so a word whose plain initial
   * starts no lexeme is skipped without folding or stemming: most words of a text.
   */
  readonly initials: ReadonlySet<string>;
}

export function queryLexemes(lexemes: Iterable<string>): QueryLexemes {
  const set = new Set(lexemes);
  return { lexemes: set, initials: new Set([...set].map((lexeme) => lexeme.charAt(0))) };
}

/**
 * Cuts a text into runs, marking the words whose lexeme is one of the query's (as PostgreSQL's
 * text search configuration computes them: accents folded, lower case, Snowball English stem,
 * which the Porter2 stemmer reproduces). The text is kept exactly as written. This replaces
 * ts_headline, which re-parsed both texts of every result row inside PostgreSQL (~25–35 µs a row,
 * a third of the statement's CPU for a prefix; bench/README.md, "highlights computed in the
 * service"); marking here costs ~4 µs a row (`npx tsx bench/hot-paths.ts`).
 */
export function highlightMatches(text: string, { lexemes, initials }: QueryLexemes): TextRun[] {
  const runs: TextRun[] = [];
  const push = (piece: string, match: boolean) => {
    if (piece.length === 0) return;
    const last = runs[runs.length - 1];
    if (last && last.match === match) runs[runs.length - 1] = { text: last.text + piece, match };
    else runs.push({ text: piece, match });
  };
  let done = 0;
  if (lexemes.size > 0) {
    for (const found of text.matchAll(WORD)) {
      const word = found[0];
      const initial = word.charAt(0).toLowerCase();
      if (initial < '\u0080' && !initials.has(initial)) continue;
      const folded = fold(word);
      // Numbers and words the stemmer leaves whole are their own lexeme.
      if (!lexemes.has(folded) && !lexemes.has(lexemeOf(folded))) continue;
      push(text.slice(done, found.index), false);
      push(word, true);
      done = found.index + word.length;
    }
  }
  push(text.slice(done), false);
  return runs;
}

/** Longest description snippet, in characters, and how much context precedes the first match. */
export const SNIPPET = { length: 240, before: 60 } as const;

/**
 * The part of a long text around its first match, cut at spaces, with "…" runs where text was
 * left out. Short texts are returned whole.
 */
export function snippet(runs: readonly TextRun[], size: { length: number; before: number } = SNIPPET): TextRun[] {
  const text = runs.map((run) => run.text).join('');
  if (text.length <= size.length) return [...runs];
  let offset = 0;
  let firstMatch = 0;
  for (const run of runs) {
    if (run.match) {
      firstMatch = offset;
      break;
    }
    offset += run.text.length;
  }
  let start = Math.max(0, firstMatch - size.before);
  if (start > 0) start = text.indexOf(' ', start) + 1 || start;
  let end = Math.min(text.length, start + size.length);
  if (end < text.length) end = text.lastIndexOf(' ', end) > start ? text.lastIndexOf(' ', end) : end;
  const cut: TextRun[] = start > 0 ? [{ text: '…', match: false }] : [];
  let position = 0;
  for (const run of runs) {
    const from = Math.max(start, position);
    const to = Math.min(end, position + run.text.length);
    if (from < to) cut.push({ text: run.text.slice(from - position, to - position), match: run.match });
    position += run.text.length;
  }
  if (end < text.length) cut.push({ text: '…', match: false });
  return cut;
}
