import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import type { QueryResultRow } from 'pg';
import { mikroOrmOptions } from '../../../../src/adapters/postgres/schema/mikro-orm-options.js';
import { PostgresOpportunityRepository } from '../../../../src/adapters/postgres/opportunities/postgres-opportunity-repository.js';
import { type NamedQuery, RoutedQueries } from '../../../../src/adapters/postgres/read-routing/routed-queries.js';
import { PostgresOpportunitySearch } from '../../../../src/adapters/postgres/search/postgres-opportunity-search.js';
import type { PageCursor } from '../../../../src/application/opportunity/pagination.js';
import { SearchOpportunities } from '../../../../src/application/opportunity/search-opportunities.use-case.js';
import { anOpportunity } from '../../../support/builders.js';
import { BEEKEEPERS, SMALL_SEARCH_LIMITS } from '../../../support/search-fixtures.js';
import { testDatabaseUrl } from '../../../support/test-database.js';

/** Records the statements the search runs, by name without the hash of their text. */
class RecordingQueries extends RoutedQueries {
  statements: string[] = [];

  override read<R extends QueryResultRow>(query: NamedQuery): Promise<R[]> {
    this.statements.push(query.name.replace(/_[0-9a-f]{16}$/, ''));
    return super.read<R>(query);
  }
}

describe('Search round trips: one or two words ask the vocabulary and the title postings at once (PostgreSQL)', () => {
  let orm: MikroORM;
  let queries: RecordingQueries;
  let search: SearchOpportunities;
  const page = async (q: string, cursor?: PageCursor) => {
    queries.statements = [];
    const result = await search.execute(q, {}, { limit: 2, ...(cursor ? { cursor } : {}) });
    const titles = result.items.map((hit) => hit.opportunity.title);
    const rank = result.items[0]?.rank;
    return { titles, rank, next: result.next, previous: result.previous, statements: queries.statements };
  };
  /** The first page, the next one and back: each page's titles and the statements it ran. */
  const pages = async (q: string) => {
    const first = await page(q);
    const second = await page(q, first.next ?? undefined);
    const back = await page(q, second.previous ?? undefined);
    return { rank: first.rank, pages: [first, second, back].map(({ titles, statements }) => ({ titles, statements })) };
  };
  const statements = (tier: 'title' | 'intersection', direction: 'forward' | 'backward') => [
    `search_vocabulary_${tier}_${direction}`,
    `search_${direction}`,
  ];

  before(async () => {
    orm = await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    queries = new RecordingQueries(orm);
    search = new SearchOpportunities(new PostgresOpportunitySearch(orm, SMALL_SEARCH_LIMITS, queries));
    await orm.em
      .getConnection()
      .execute('truncate opportunity, search_vocabulary, search_vocabulary_variant, search_title_posting');
    const repository = new PostgresOpportunityRepository(orm);
    // Six titles for a cap of four: a page is its stretch of a full title tier.
    for (const [title, minutesAgo] of BEEKEEPERS) {
      await repository.add(anOpportunity({ title, minutesAgo }));
    }
    await repository.add(anOpportunity({ title: 'Garden help', description: 'Meet our beekeeper.', minutesAgo: -1 }));
    for (const [title, minutesAgo] of [
      ['Honey harvest runner', 12],
      ['Honey harvest helper', 10],
      ['Honey harvest lead', 11],
    ] as const) {
      await repository.add(anOpportunity({ title, minutesAgo }));
    }
  });
  after(async () => orm.close());

  it('a known word or a word being typed: two statements per page, the title tier read with the vocabulary', async () => {
    for (const q of ['beekeeper', 'beek', 'beekeeper ']) {
      expect((await pages(q)).pages, q).to.deep.equal([
        { titles: ['Beekeeper A', 'Beekeeper B'], statements: statements('title', 'forward') },
        { titles: ['Beekeeper C', 'Beekeeper D'], statements: statements('title', 'forward') },
        { titles: ['Beekeeper A', 'Beekeeper B'], statements: statements('title', 'backward') },
      ]);
    }
  });

  it('a word with nothing to look up still gets its title tier in the same statement', async () => {
    // Four letters and finished (a trailing space): neither completed nor corrected.
    await new PostgresOpportunityRepository(orm).add(anOpportunity({ title: 'Kiln firing help', minutesAgo: 9 }));
    const kiln = await page('kiln ');
    expect(kiln.titles).to.deep.equal(['Kiln firing help']);
    expect(kiln.statements).to.deep.equal(['search_vocabulary_title_forward', 'search_forward']);
  });

  it('a typo, in one word or two: the typo rules pick the corrections first, so the tier is a statement of its own', async () => {
    for (const [q, titles, tier] of [
      ['beekeepr ', ['Beekeeper A', 'Beekeeper B'], 'title'],
      ['harvst honey ', ['Honey harvest helper', 'Honey harvest lead'], 'intersection'],
    ] as const) {
      const typo = await page(q);
      expect(typo.titles, q).to.deep.equal(titles);
      expect(typo.statements, q).to.deep.equal([
        `search_vocabulary_${tier}_forward`,
        `search_${tier}_forward`,
        'search_forward',
      ]);
    }
  });

  it('two words typed or being typed: two statements per page, the intersection read with the vocabulary', async () => {
    const ranks = new Set<number | undefined>();
    for (const q of ['honey harvest', 'honey harv', 'harvest honey ']) {
      const walked = await pages(q);
      expect(walked.pages, q).to.deep.equal([
        { titles: ['Honey harvest helper', 'Honey harvest lead'], statements: statements('intersection', 'forward') },
        { titles: ['Honey harvest runner'], statements: statements('intersection', 'forward') },
        { titles: ['Honey harvest helper', 'Honey harvest lead'], statements: statements('intersection', 'backward') },
      ]);
      ranks.add(walked.rank);
    }
    // The word being typed is completed in its own clause: the title tier's score, as typed in full.
    expect(ranks.size).to.equal(1);
  });

  it('three words: the vocabulary alone, then the search', async () => {
    const three = await page('honey harvest helper');
    // All three words first, then the rows with some of them.
    expect(three.titles).to.deep.equal(['Honey harvest helper', 'Honey harvest lead']);
    expect(three.statements).to.deep.equal(['search_vocabulary', 'search_forward']);
  });
});
