import type { TextRun } from '../../../domain/opportunity/search/opportunity-search.port.js';
import { MARK_END, MARK_START } from './search-sql.js';

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
