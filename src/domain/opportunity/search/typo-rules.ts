/**
 * Typo tolerance rules, like the search engines app users compare us with: words under 5 letters
 * are taken as typed, one typo is forgiven from 5 letters and two from 9. A typo is an inserted,
 * deleted or substituted letter, or two adjacent letters swapped (`pyhton`).
 */
export function typosAllowed(word: string): number {
  const length = [...word].length;
  if (length >= 9) return 2;
  if (length >= 5) return 1;
  return 0;
}

/** Whether a word can be corrected at all: letters only (numbers and codes are never "typos"). */
export function correctable(word: string): boolean {
  return typosAllowed(word) > 0 && /^\p{L}+$/u.test(word);
}

/** How many typos a correction of the word may undo: 0 when it is never corrected. */
export function typosToCorrect(word: string): number {
  return correctable(word) ? typosAllowed(word) : 0;
}

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions), computed only up
 * to `limit`: anything further returns `limit + 1`.
 */
export function typoDistance(a: string, b: string, limit: number): number {
  const x = [...a];
  const y = [...b];
  if (Math.abs(x.length - y.length) > limit) return limit + 1;
  let before: number[] = [];
  let previous = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i += 1) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= y.length; j += 1) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) {
        value = Math.min(value, (before[j - 2] ?? 0) + 1);
      }
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    before = previous;
    previous = current;
  }
  return Math.min(previous[y.length] ?? limit + 1, limit + 1);
}

/** The vocabulary words a typed word may be a typo of, nearest first (at most `max`). */
export function corrections(word: string, candidates: readonly string[], max = 3): string[] {
  if (!correctable(word)) return [];
  const allowed = typosAllowed(word);
  return candidates
    .filter((candidate) => candidate !== word)
    .map((candidate) => ({ candidate, distance: typoDistance(word, candidate, allowed) }))
    .filter((entry) => entry.distance <= allowed)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, max)
    .map((entry) => entry.candidate);
}
