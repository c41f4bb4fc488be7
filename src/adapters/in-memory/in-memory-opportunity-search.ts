import type { Opportunity } from '../../domain/opportunity/opportunity.js';
import type {
  OpportunitySearch,
  SearchHit,
  SearchRequest,
  SearchResults,
  TextRun,
} from '../../domain/opportunity/search/opportunity-search.port.js';
import { correctedText, type SearchQuery, type SearchTerm } from '../../domain/opportunity/search/search-query.js';
import { corrections } from '../../domain/opportunity/search/typo-rules.js';
import { countOver, foldText, type InMemoryOpportunityRepository } from './in-memory-opportunity-repository.js';
import { keysetSlice } from './keyset-slice.js';

/** The PostgreSQL adapter's scores, so both order results alike. */
const SCORE = { clause: 100_000, typo: 1_000, title: 10, tags: 3 } as const;

const fold = foldText;
const wordsOf = (text: string): string[] => fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];

interface Field {
  readonly words: string[];
  readonly weight: number;
}

/**
 * A stand-in for the PostgreSQL search, for application tests without a database: same syntax,
 * accent folding, prefixes, typo rules and ordering, but no stemming, no candidate cap and the
 * whole description as its highlight (PostgreSQL cuts a snippet).
 */
export class InMemoryOpportunitySearch implements OpportunitySearch {
  constructor(private readonly store: InMemoryOpportunityRepository) {}

  async search(request: SearchRequest): Promise<SearchResults> {
    const { query, filters, page, mode, near } = request;
    const distances = new Map(
      near ? this.store.nearby(filters, near).map((found) => [found.opportunity.id, found.distanceKm]) : [],
    );
    const rows = this.store.matching(filters).filter((row) => !near || distances.has(row.id));
    const vocabulary = [
      ...new Set(rows.flatMap((row) => wordsOf(`${row.title} ${row.tags.join(' ')} ${row.description}`))),
    ];
    const known = new Set(vocabulary);
    const fixes = new Map<string, string[]>();
    for (const term of query.clauses.flatMap((clause) => clause.alternatives)) {
      const word = term.words.length === 1 ? (term.words[0] as string) : undefined;
      if (word === undefined || known.has(fold(word))) continue;
      const found = corrections(fold(word), vocabulary);
      if (found.length > 0) fixes.set(word, found);
    }
    const scored = rows.flatMap((row) => {
      const score = scoreOf(query, fixes, row, mode === 'suggest');
      return score ? [{ opportunity: row, rank: score.rank, typos: score.typos }] : [];
    });
    const slice = keysetSlice(scored, page);
    const exactFound = scored.some((hit) => hit.typos === 0);
    const best = new Map([...fixes].map(([word, found]) => [word, found[0] as string]));
    const matchers = matchersOf(query, fixes);
    return {
      items: slice.items.map((hit): SearchHit => ({
        opportunity: hit.opportunity,
        rank: hit.rank,
        highlight: {
          title: runs(hit.opportunity.title, matchers),
          description: runs(hit.opportunity.description, matchers),
        },
        ...(near ? { distanceKm: distances.get(hit.opportunity.id) as number } : {}),
      })),
      hasMore: slice.hasMore,
      suggestion: page.after || page.before || exactFound ? null : correctedText(query, best),
      ...(request.facets
        ? {
            facets: countOver(
              request.facets,
              scored.map((hit) => hit.opportunity),
              this.store.facetBound,
            ),
          }
        : {}),
    };
  }
}

type Matcher = (word: string) => boolean;

function termMatches(term: SearchTerm, words: string[]): boolean {
  const wanted = term.words.map(fold);
  return words.some((_, start) =>
    wanted.every((word, offset) => {
      const actual = words[start + offset];
      return actual !== undefined && (term.prefix ? actual.startsWith(word) : actual === word);
    }),
  );
}

function scoreOf(query: SearchQuery, fixes: Map<string, string[]>, row: Opportunity, titlesOnly: boolean) {
  const fields: Field[] = [
    { words: wordsOf(row.title), weight: SCORE.title },
    { words: titlesOnly ? [] : row.tags.flatMap(wordsOf), weight: SCORE.tags },
    { words: titlesOnly ? [] : wordsOf(row.description), weight: 0 },
  ];
  const all = fields.flatMap((field) => field.words);
  if (query.excluded.some((term) => termMatches(term, all))) return null;
  let rank = 0;
  let typos = 0;
  let matched = 0;
  for (const clause of query.clauses) {
    const terms = clause.alternatives.flatMap((term) => [
      { term, typo: false },
      ...(fixes.get(term.words[0] ?? '') ?? []).map((fix) => ({ term: { words: [fix], prefix: false }, typo: true })),
    ]);
    const hits = terms.filter(({ term }) => termMatches(term, all));
    if (hits.length === 0) continue;
    matched += 1;
    const typo = !hits.some((hit) => !hit.typo);
    typos += typo ? 1 : 0;
    const field = fields.find((candidate) => hits.some(({ term }) => termMatches(term, candidate.words)));
    rank += SCORE.clause - (typo ? SCORE.typo : 0) + (field?.weight ?? 0);
  }
  const needed = titlesOnly ? query.clauses.length : 1;
  return matched >= needed ? { rank, typos } : null;
}

function matchersOf(query: SearchQuery, fixes: Map<string, string[]>): Matcher[] {
  return query.clauses.flatMap((clause) =>
    clause.alternatives.flatMap((term) => [
      ...term.words.map(
        (word): Matcher =>
          (candidate) =>
            term.prefix ? candidate.startsWith(fold(word)) : candidate === fold(word),
      ),
      ...(fixes.get(term.words[0] ?? '') ?? []).map(
        (fix): Matcher =>
          (candidate) =>
            candidate === fix,
      ),
    ]),
  );
}

function runs(text: string, matchers: Matcher[]): TextRun[] {
  const result: TextRun[] = [];
  for (const piece of text.split(/([\p{L}\p{N}]+)/u)) {
    if (piece === '') continue;
    const match = /^[\p{L}\p{N}]+$/u.test(piece) && matchers.some((matcher) => matcher(fold(piece)));
    const last = result[result.length - 1];
    if (last && last.match === match) result[result.length - 1] = { text: last.text + piece, match };
    else result.push({ text: piece, match });
  }
  return result;
}
