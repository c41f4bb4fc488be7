import type { Opportunity } from '../../domain/opportunity/opportunity.js';

/**
 * A small stand-in for PostgreSQL full-text search: every plain term (and every word of a quoted
 * phrase) must appear, `-term` must not; title matches weigh most, then tags, then description.
 * Good enough for tests that need search without a database; it does no stemming.
 */
export function scoreText(query: string, opportunity: Opportunity): number {
  const { required, excluded } = parseQuery(query);
  if (required.length === 0) return 0;
  const fields = [
    { words: words(opportunity.title), weight: 1 },
    { words: opportunity.tags.flatMap(words), weight: 0.4 },
    { words: words(opportunity.description), weight: 0.2 },
  ];
  const all = fields.flatMap((field) => field.words);
  if (excluded.some((term) => all.includes(term))) return 0;
  let score = 0;
  for (const term of required) {
    const termScore = fields.reduce(
      (sum, field) => sum + field.weight * field.words.filter((word) => word === term).length,
      0,
    );
    if (termScore === 0) return 0;
    score += termScore;
  }
  return score;
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function parseQuery(query: string): { required: string[]; excluded: string[] } {
  const required: string[] = [];
  const excluded: string[] = [];
  for (const token of query.match(/-?"[^"]*"|\S+/g) ?? []) {
    const target = token.startsWith('-') ? excluded : required;
    target.push(...words(token));
  }
  return { required, excluded };
}
