import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { sql } from 'kysely';
import { mikroOrmOptions } from '../../../../src/adapters/postgres/schema/mikro-orm-options.js';
import { highlightMatches, queryLexemes } from '../../../../src/adapters/postgres/search/highlight-runs.js';
import type { SearchDatabase } from '../../../../src/adapters/postgres/schema/database-tables.js';
import { arrayOf, CONFIG, lexemesOf, toTsQuery } from '../../../../src/adapters/postgres/search/query/text-search.js';
import type { TextRun } from '../../../../src/domain/opportunity/search/opportunity-search.port.js';
import { testDatabaseUrl } from '../../../support/test-database.js';

/** Texts of the kinds people write, with inflections, accents, punctuation and numbers. */
const TEXTS = [
  'Python mentor for teenagers: teach Python basics after school.',
  'Mentoring young entrepreneurs; some Python scripting is a plus!',
  'Beach clean-up volunteers collect plastic on the beaches every Saturday.',
  'Café barista for charity. Serve coffee at our community café in Kraków.',
  'Cafeteria helpers prepare lunches for the school cafeterias (weekdays).',
  'Weekly piano lessons for beginners; a grand opportunity for pianists.',
  'Volunteering coordinator: coordinate helpers at the food bank, 2 days a week.',
  'Studies show happily running dogs need friendly walkers in Straße 12.',
  'A naïve sommelier will train you; wines, tasting and the Smørrebrød buffet.',
  'Translators translate leaflets from Portuguese into English, 2026 edition.',
];

/** Queries as the service builds them: the typed words, completions and corrections, OR-ed. */
const QUERIES = [
  "'python' | 'mentor'",
  "'mentoring' | 'teenager'",
  "'beach' | 'volunteer'",
  "'cafe'",
  "'cafeteria' | 'lunch'",
  "'piano' | 'pianist' | 'lesson'",
  "'coordinate' | 'help' | 'week'",
  "'study' | 'happy' | 'run' | 'dog' | 'walker' | 'strasse'",
  "'naive' | 'sommelier' | 'taste' | 'smorrebrod'",
  "'translator' | '2026' | 'portuguese'",
  "('grand' <-> 'opportunity') | 'school'",
];

const MARK_START = '\u0001';
const MARK_END = '\u0002';

/** ts_headline's marks (HighlightAll) as runs: what highlights were before they moved here. */
function runsOf(marked: string): TextRun[] {
  const runs: TextRun[] = [];
  for (const [index, piece] of marked.split(MARK_START).entries()) {
    const [inside, after] = index === 0 ? [undefined, piece] : piece.split(MARK_END);
    if (inside) runs.push({ text: inside, match: true });
    if (after) {
      const last = runs[runs.length - 1];
      if (last && !last.match) runs[runs.length - 1] = { text: last.text + after, match: false };
      else runs.push({ text: after, match: false });
    }
  }
  return runs;
}

/**
 * Highlights are computed in the service from the query's lexemes; they used to come from
 * PostgreSQL's ts_headline. Both must mark the same words, on every PostgreSQL the service runs on
 * (the stemmer is Porter2 in both; this catches a stemmer or folding that drifts).
 */
describe('Highlights agree with PostgreSQL ts_headline (PostgreSQL)', () => {
  it('marks exactly the words ts_headline marks, for every text and query', async function () {
    this.timeout(20_000);
    const orm = await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    try {
      const db = orm.em.fork().getKysely<SearchDatabase>();
      const options = `HighlightAll=true, StartSel=${MARK_START}, StopSel=${MARK_END}`;
      let compared = 0;
      for (const query of QUERIES) {
        // The lexemes as the search statement selects them (lexemesOf), the marks as ts_headline sets them.
        const tsquery = toTsQuery(query);
        const { rows } = await sql<{ text: string; lexemes: string[]; marked: string }>`
          select t as text, ${lexemesOf(tsquery)} as lexemes, ts_headline(${CONFIG}, t, ${tsquery}, ${options}) as marked
          from unnest(${arrayOf(TEXTS, 'text')}) as t`.execute(db);
        expect(rows).to.have.length(TEXTS.length);
        for (const row of rows) {
          const expected = runsOf(row.marked);
          expect(highlightMatches(row.text, queryLexemes(row.lexemes)), `${query} in "${row.text}"`).to.deep.equal(
            expected,
          );
          if (expected.some((run) => run.match)) compared += 1;
        }
      }
      expect(compared, 'texts with at least one highlight').to.be.greaterThan(15);
    } finally {
      await orm.close();
    }
  });
});
