import type { TextRun } from '../../../domain/opportunity/search/opportunity-search.port.js';
import { MARK_END, MARK_START } from './search-statement.js';

/**
 * Cuts ts_headline output (matched words wrapped in two control characters that were removed
 * from the text beforehand) into runs. The runs carry plain text only: nothing here is markup.
 */
export function highlightRuns(marked: string): TextRun[] {
  const runs: TextRun[] = [];
  const push = (text: string, match: boolean) => {
    if (text.length === 0) return;
    const last = runs[runs.length - 1];
    if (last && last.match === match) runs[runs.length - 1] = { text: last.text + text, match };
    else runs.push({ text, match });
  };
  let rest = marked;
  while (rest.length > 0) {
    const start = rest.indexOf(MARK_START);
    if (start < 0) {
      push(rest, false);
      break;
    }
    push(rest.slice(0, start), false);
    const end = rest.indexOf(MARK_END, start + 1);
    const stop = end < 0 ? rest.length : end;
    push(rest.slice(start + 1, stop), true);
    rest = rest.slice(stop + 1);
  }
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
