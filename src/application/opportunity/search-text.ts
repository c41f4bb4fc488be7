import { textProblem } from '../../domain/opportunity/text-rules.js';

/**
 * PostgreSQL's web-search parser turns every `-` before a word into a nested NOT, and about 32 of
 * them in a row overflow its fixed stack ("tsquery stack too small"). A run of minus signs (spaced
 * or not) means the same as its parity: an odd run is one NOT, an even run none.
 */
export function collapseNegations(text: string): string {
  return text.replace(/-(?:\s*-)+/g, (run) => {
    const minuses = run.split('-').length - 1;
    return minuses % 2 === 1 ? ' -' : ' ';
  });
}

/** Control characters and lone surrogates cannot reach PostgreSQL; the text is then normalised. */
export function searchTextProblem(text: string): string | undefined {
  return textProblem(text, 'single-line');
}
