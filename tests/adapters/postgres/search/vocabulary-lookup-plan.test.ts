import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { mikroOrmOptions } from '../../../../src/adapters/postgres/schema/mikro-orm-options.js';
import { bind } from '../../../../src/adapters/postgres/sql/prepared-statement.js';
import { RoutedQueries } from '../../../../src/adapters/postgres/read-routing/routed-queries.js';
import type { SearchDatabase } from '../../../../src/adapters/postgres/schema/database-tables.js';
import {
  type VocabularyParams,
  vocabularyStatement,
} from '../../../../src/adapters/postgres/search/vocabulary/vocabulary-statement.js';
import { corrections, typoDistance, typosToCorrect } from '../../../../src/domain/opportunity/search/typo-rules.js';
import { testDatabaseUrl } from '../../../support/test-database.js';

interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly 'Index Cond'?: string;
  readonly 'Actual Rows'?: number;
  readonly 'Actual Loops'?: number;
  readonly Plans?: PlanNode[];
}

function nodes(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(nodes)];
}

interface LookedUp {
  readonly word: string;
  readonly candidates: string[];
}

/** A deterministic generator, so a failure names a case that reproduces. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** One typo of any kind the rules forgive, at a random place. */
function withTypo(word: string, random: () => number): string {
  const at = Math.floor(random() * word.length);
  const letter = String.fromCharCode(97 + Math.floor(random() * 26));
  switch (Math.floor(random() * 4)) {
    case 0:
      return word.slice(0, at) + letter + word.slice(at);
    case 1:
      return word.slice(0, at) + word.slice(at + 1);
    case 2:
      return word.slice(0, at) + letter + word.slice(at + 1);
    default: {
      const swap = Math.min(at, word.length - 2);
      return word.slice(0, swap) + (word[swap + 1] ?? '') + (word[swap] ?? '') + word.slice(swap + 2);
    }
  }
}

/**
 * A vocabulary the size of a real corpus': whether a word
 * is known must come from the primary key (PostgreSQL could answer `=` from a trigram index at a
 * similar estimated cost: 3.6 ms and 542 pages per look-up at 300,000 words), and corrections from
 * the deletion variants' primary key, not from a scan (a trigram nearest-word scan cost 130–245 ms
 * per word at 300,000 words).
 */
describe('Search vocabulary look-up on a large vocabulary (PostgreSQL)', function () {
  this.timeout(120_000);
  let orm: MikroORM;
  let vocabulary: string[];
  const run = (sql: string) => orm.em.getConnection().execute(sql);
  const params = (words: string[]): VocabularyParams => ({
    words,
    complete: words.map(() => false),
    typos: words.map(typosToCorrect),
  });
  const lookUp = async (words: string[]): Promise<LookedUp[]> => {
    const db = orm.em.fork().getKysely<SearchDatabase>();
    return new RoutedQueries(orm).read<LookedUp & { word: string }>(bind(vocabularyStatement(db), params(words)));
  };

  before(async () => {
    // Filling the vocabulary takes longer than a request's statement timeout.
    orm = await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl(), statementTimeoutMs: 0 }));
    await run('truncate opportunity, search_vocabulary, search_vocabulary_variant, search_title_posting');
    // 100,000 made-up words of 4 to 12 letters (letters from a hash: nearly all distinct), and a
    // few real ones, their variants written by the row trigger as in production. (Restoring them
    // in one statement after the fact is quicker, but its plan depends on the statistics earlier
    // suites left on the variants table: believed empty, it ran for minutes.)
    await run(`insert into search_vocabulary
      select string_agg(chr(97 + abs(hashint4(g * 16 + c)) % 26), '' order by c)
      from generate_series(1, 100000) g, lateral generate_series(1, 4 + g % 9) c
      group by g on conflict do nothing`);
    await run(`insert into search_vocabulary values ('sommelier'), ('volunteer'), ('volunteers'), ('voluntary'),
      ('python'), ('mentor'), ('international') on conflict do nothing`);
    await run('vacuum analyze search_vocabulary');
    await run('vacuum analyze search_vocabulary_variant');
    // Title postings of a real table's size (lexemes with digits, so no word here counts as used):
    // on an empty table whose statistics say it is empty, scanning it is PostgreSQL's right plan,
    // and whether autovacuum has looked at it yet decided this test's outcome.
    await run(`insert into search_title_posting (lexeme, created_at, opportunity_id)
      select 'w' || (g % 5000), now() - g * interval '1 second', gen_random_uuid()
      from generate_series(1, 50000) g`);
    await run('vacuum analyze search_title_posting');
    vocabulary = (await run('select word from search_vocabulary')).map((row) => (row as { word: string }).word);
    expect(vocabulary.length).to.be.greaterThan(99_000);
  });
  after(async () => {
    await run('truncate search_vocabulary, search_vocabulary_variant, search_title_posting');
    await orm.close();
  });

  it('reads the primary keys only: known words, completions, and the variants behind corrections', async () => {
    const db = orm.em.fork().getKysely<SearchDatabase>();
    const bound = bind(vocabularyStatement(db), { words: ['sommelier'], complete: [true], typos: [2] });
    const [explained] = await new RoutedQueries(orm).read<{ 'QUERY PLAN': { Plan: PlanNode }[] }>({
      ...bound,
      name: 'explain_search_vocabulary',
      text: `explain (format json) ${bound.text}`,
    });
    const plan = nodes(explained?.['QUERY PLAN'][0]?.Plan as PlanNode);
    expect(plan.filter((node) => node['Node Type'].includes('Seq Scan'))).to.deep.equal([]);
    const byIndex = (name: string) => plan.filter((node) => node['Index Name'] === name);
    // The known check (twice: the answer, and before looking for corrections), the completions,
    // and the words of each matched prefix.
    expect(byIndex('search_vocabulary_pkey')).to.have.length(4);
    const variants = byIndex('search_vocabulary_variant_pkey');
    expect(variants).to.have.length(1);
    expect(variants[0]?.['Index Cond']).to.match(/^\(variant = ANY \(/);
  });

  it('finds every word within the typo rules: each kind of typo, one from 5 letters, two from 9', async () => {
    const cases: [string, string][] = [
      ['pyhton', 'python'], // swap
      ['mentr', 'mentor'], // deletion
      ['mentorr', 'mentor'], // insertion
      ['mentar', 'mentor'], // substitution
      ['voluntear', 'volunteer'],
      ['volantear', 'volunteer'], // two substitutions
      ['vlunter', 'volunteer'], // 7 letters: only one typo forgiven, so not this one
      ['volnuteers', 'volunteers'], // swap
      ['olunter', 'volunteer'], // two deletions, but 7 letters
      ['voluntre', 'volunteer'], // 8 letters: swap and deletion are two typos
      ['volunterrs', 'volunteers'], // substitution
      ['ovlunteers', 'volunteers'], // a swap at the start, where the prefix changes
      ['intrenationl', 'international'], // swap and deletion
      ['internationaal', 'international'],
      ['sommeleir', 'sommelier'],
      ['somelir', 'sommelier'], // two deletions, 7 letters
    ];
    const found = await lookUp(cases.map(([typed]) => typed));
    for (const [typed, meant] of cases) {
      const allowed = typosToCorrect(typed);
      const candidates = found.find((row) => row.word === typed)?.candidates ?? [];
      const within = typoDistance(typed, meant, allowed) <= allowed;
      const corrected = corrections(typed, candidates).includes(meant);
      expect(corrected, `"${typed}" → "${meant}" (${within ? 'within' : 'beyond'} the rules)`).to.equal(within);
    }
  });

  it('tries the most used of equally near words first (titles holding them)', async () => {
    await run(`insert into search_vocabulary values ('phyton') on conflict do nothing`);
    await run(`insert into opportunity (id, title, description, category, tags, created_by, created_at, updated_at, version)
      values (gen_random_uuid(), 'Python mentor', 'Evenings.', 'education', '{}', '1', now(), now(), 1)`);
    const [pyhton] = await lookUp(['pyhton']);
    // Both are one swap away; "phyton" sorts first by spelling and is as near by trigrams.
    expect(pyhton?.candidates.slice(0, 2)).to.deep.equal(['python', 'phyton']);
    await run('truncate opportunity, search_title_posting');
  });

  it('reads a bounded number of words for a prefix that thousands of words share', async () => {
    await run(`insert into search_vocabulary
      select 'zzzzzz' || string_agg(chr(97 + abs(hashint4(g * 16 + c)) % 26), '' order by c)
      from generate_series(1, 3000) g, generate_series(1, 4) c group by g on conflict do nothing`);
    await run('vacuum analyze search_vocabulary');
    const db = orm.em.fork().getKysely<SearchDatabase>();
    const bound = bind(vocabularyStatement(db), params(['zzzzzzqqqq']));
    const [explained] = await new RoutedQueries(orm).read<{ 'QUERY PLAN': { Plan: PlanNode }[] }>({
      ...bound,
      name: 'explain_analyze_search_vocabulary',
      text: `explain (analyze, format json) ${bound.text}`,
    });
    const plan = nodes(explained?.['QUERY PLAN'][0]?.Plan as PlanNode);
    const prefixWords = plan.filter(
      (node) =>
        node['Node Type'] === 'Limit' &&
        node.Plans?.[0]?.['Index Name'] === 'search_vocabulary_pkey' &&
        (node.Plans[0]['Index Cond'] ?? '').includes('prefix'),
    );
    expect(prefixWords).to.have.length(1);
    // Per matched prefix (Actual Rows is an average over them): 1,000 of the 3,000, and the few
    // words of the other prefixes one deletion away.
    const read = (prefixWords[0]?.['Actual Rows'] ?? 0) * (prefixWords[0]?.['Actual Loops'] ?? 0);
    expect(read).to.be.within(1000, 1100);
    await run(`delete from search_vocabulary where word like 'zzzzzz%'`);
  });

  it('agrees with a scan of the whole vocabulary on random typos of random words', async () => {
    const random = generator(20261202);
    const typed: string[] = [];
    while (typed.length < 60) {
      const word = vocabulary[Math.floor(random() * vocabulary.length)] as string;
      if (word.length < 5) continue;
      let typo = withTypo(word, random);
      if (word.length >= 10) typo = withTypo(typo, random);
      if (typosToCorrect(typo) > 0 && !vocabulary.includes(typo)) typed.push(typo);
    }
    const found = await lookUp(typed);
    for (const word of typed) {
      const allowed = typosToCorrect(word);
      const expected = vocabulary.filter((known) => typoDistance(word, known, allowed) <= allowed).sort();
      const candidates = found.find((row) => row.word === word)?.candidates ?? [];
      const corrections = candidates.filter((known) => typoDistance(word, known, allowed) <= allowed).sort();
      // At most 30 candidates come back; none of these random words has that many near words.
      expect(expected.length, word).to.be.lessThan(30);
      expect(corrections, `"${word}"`).to.deep.equal(expected);
    }
  });
});
