import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import type { QueryResultRow } from 'pg';
import { mikroOrmOptions } from '../../../src/adapters/mikro-orm/mikro-orm-options.js';
import { MikroOrmOpportunityRepository } from '../../../src/adapters/mikro-orm/mikro-orm-opportunity-repository.js';
import { type NamedQuery, RoutedQueries } from '../../../src/adapters/mikro-orm/routed-queries.js';
import { MikroOrmOpportunitySearch } from '../../../src/adapters/mikro-orm/search/mikro-orm-opportunity-search.js';
import type { PageCursor } from '../../../src/application/opportunity/pagination.js';
import { SearchOpportunities } from '../../../src/application/opportunity/search-opportunities.use-case.js';
import { anOpportunity } from '../../support/builders.js';
import { BEEKEEPERS, SMALL_SEARCH_LIMITS } from '../../support/search-fixtures.js';
import { testDatabaseUrl } from '../../support/test-database.js';

/** Records the statements the search runs, by name without the hash of their text. */
class RecordingQueries extends RoutedQueries {
  statements: string[] = [];

  override read<R extends QueryResultRow>(query: NamedQuery): Promise<R[]> {
    this.statements.push(query.name.replace(/_[0-9a-f]{16}$/, ''));
    return super.read<R>(query);
  }
}

describe('Search round trips: a one-word query asks the vocabulary and the title postings at once (PostgreSQL)', () => {
  let orm: MikroORM;
  let queries: RecordingQueries;
  let search: SearchOpportunities;
  const page = async (q: string, cursor?: PageCursor) => {
    queries.statements = [];
    const result = await search.execute(q, {}, { limit: 2, ...(cursor ? { cursor } : {}) });
    const titles = result.items.map((hit) => hit.opportunity.title);
    return { titles, next: result.next, previous: result.previous, statements: queries.statements };
  };

  before(async () => {
    orm = await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    queries = new RecordingQueries(orm);
    search = new SearchOpportunities(new MikroOrmOpportunitySearch(orm, SMALL_SEARCH_LIMITS, queries));
    await orm.em.getConnection().execute('truncate opportunity, search_vocabulary, search_title_posting');
    const repository = new MikroOrmOpportunityRepository(orm);
    // Six titles for a cap of four: a page is its stretch of a full title tier.
    for (const [title, minutesAgo] of BEEKEEPERS) {
      await repository.add(anOpportunity({ title, minutesAgo }));
    }
    await repository.add(anOpportunity({ title: 'Garden help', description: 'Meet our beekeeper.', minutesAgo: -1 }));
  });
  after(async () => orm.close());

  it('a known word or a word being typed: two statements per page, the title tier read with the vocabulary', async () => {
    for (const q of ['beekeeper', 'beek', 'beekeeper ']) {
      const first = await page(q);
      expect(first.titles, q).to.deep.equal(['Beekeeper A', 'Beekeeper B']);
      expect(first.statements, q).to.deep.equal(['search_vocabulary_title_forward', 'search_forward']);
      const second = await page(q, first.next ?? undefined);
      expect(second.titles, q).to.deep.equal(['Beekeeper C', 'Beekeeper D']);
      expect(second.statements, q).to.deep.equal(['search_vocabulary_title_forward', 'search_forward']);
      const back = await page(q, second.previous ?? undefined);
      expect(back.titles, q).to.deep.equal(['Beekeeper A', 'Beekeeper B']);
      expect(back.statements, q).to.deep.equal(['search_vocabulary_title_backward', 'search_backward']);
    }
  });

  it('a word with nothing to look up still gets its title tier in the same statement', async () => {
    // Four letters and finished (a trailing space): neither completed nor corrected.
    await new MikroOrmOpportunityRepository(orm).add(anOpportunity({ title: 'Kiln firing help', minutesAgo: 9 }));
    const kiln = await page('kiln ');
    expect(kiln.titles).to.deep.equal(['Kiln firing help']);
    expect(kiln.statements).to.deep.equal(['search_vocabulary_title_forward', 'search_forward']);
  });

  it('a typo: the corrections come from the typo rules first, so the title postings are a statement of their own', async () => {
    const typo = await page('beekeepr ');
    expect(typo.titles).to.deep.equal(['Beekeeper A', 'Beekeeper B']);
    expect(typo.statements).to.deep.equal([
      'search_vocabulary_title_forward',
      'search_title_forward',
      'search_forward',
    ]);
  });

  it('two words: the vocabulary alone, then the title intersection and the search', async () => {
    const both = await page('beekeeper garden');
    expect(both.statements[0]).to.equal('search_vocabulary');
    expect(both.statements).to.not.include('search_vocabulary_title_forward');
  });
});
