import { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import { mikroOrmOptions } from '../../../../src/adapters/postgres/schema/mikro-orm-options.js';
import { PostgresOpportunityRepository } from '../../../../src/adapters/postgres/opportunities/postgres-opportunity-repository.js';
import { PostgresOpportunitySearch } from '../../../../src/adapters/postgres/search/postgres-opportunity-search.js';
import type { PageCursor } from '../../../../src/application/opportunity/pagination.js';
import { SearchOpportunities } from '../../../../src/application/opportunity/search-opportunities.use-case.js';
import type { OpportunityFilters } from '../../../../src/domain/opportunity/opportunity-repository.port.js';
import { aDraft, anOpportunity } from '../../../support/builders.js';
import { BEEKEEPERS, SMALL_SEARCH_LIMITS } from '../../../support/search-fixtures.js';
import { testDatabaseUrl } from '../../../support/test-database.js';

/** What the postings must hold: every title lexeme of every row, with the row's creation time. */
const EXPECTED = `select l as lexeme, o.created_at, o.id as opportunity_id from opportunity o,
    unnest(tsvector_to_array(to_tsvector('opportunity_search'::regconfig, o.title))) as l order by 1, 3`;
const STORED = 'select lexeme, created_at, opportunity_id from search_title_posting order by 1, 3';

const LIMITS = SMALL_SEARCH_LIMITS;

describe('Title postings: the title tier newest first (PostgreSQL)', () => {
  let orm: MikroORM;
  let repository: PostgresOpportunityRepository;
  let search: SearchOpportunities;
  const rows = (sql: string) => orm.em.getConnection().execute<Record<string, unknown>[]>(sql);
  const titles = async (q: string, cursor?: PageCursor, filters: OpportunityFilters = {}) => {
    const page = await search.execute(q, filters, { limit: 2, ...(cursor ? { cursor } : {}) });
    return { titles: page.items.map((hit) => hit.opportunity.title), next: page.next, previous: page.previous };
  };

  before(async () => {
    orm = await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    repository = new PostgresOpportunityRepository(orm);
    search = new SearchOpportunities(new PostgresOpportunitySearch(orm, LIMITS));
  });
  beforeEach(() => rows('truncate opportunity, search_vocabulary, search_vocabulary_variant, search_title_posting'));
  after(async () => orm.close());

  it('follow every insert, title edit and delete', async () => {
    const mentor = anOpportunity({ title: 'Python mentors for teens', minutesAgo: 2 });
    const walker = anOpportunity({ title: 'Dog walker', minutesAgo: 1 });
    await repository.add(mentor);
    await repository.add(walker);
    expect(await rows(STORED)).to.deep.equal(await rows(EXPECTED));
    expect((await rows(STORED)).map((row) => row.lexeme)).to.include.members(['python', 'mentor', 'dog']);

    mentor.revise(aDraft({ title: 'Chess club tutor' }), new Date());
    await repository.update(mentor, 1);
    walker.revise(aDraft({ title: 'Dog walker', description: 'Only the description changes.' }), new Date());
    await repository.update(walker, 1);
    expect(await rows(STORED)).to.deep.equal(await rows(EXPECTED));
    expect((await rows(STORED)).map((row) => row.lexeme)).to.not.include('python');

    await repository.remove(walker.id);
    expect(await rows(STORED)).to.deep.equal(await rows(EXPECTED));
    expect(await rows(STORED)).to.have.length(3);
  });

  it('rank a full title tier newest first whatever the table order, and page through exactly the cap', async () => {
    // Inserted out of time order: the table order (what a GIN scan returns) is not the ranking.
    for (const [title, minutesAgo] of BEEKEEPERS) {
      await repository.add(anOpportunity({ title, category: 'animals', minutesAgo }));
    }
    // Newest of all, but only in the description: a lower tier, left out once titles fill the cap.
    await repository.add(anOpportunity({ title: 'Garden help', description: 'Meet our beekeeper.', minutesAgo: -1 }));
    // As typed, a finished word, a corrected word, with a filter: the same four newest titles.
    for (const [q, filters] of [
      ['beek', {}],
      ['beekeeper ', {}],
      ['beekeepr ', {}],
      ['beek', { category: 'animals' }],
    ] as const) {
      const first = await titles(q, undefined, filters);
      expect(first.titles, q).to.deep.equal(['Beekeeper A', 'Beekeeper B']);
      const second = await titles(q, first.next ?? undefined, filters);
      expect(second.titles, q).to.deep.equal(['Beekeeper C', 'Beekeeper D']);
      expect(second.next, q).to.equal(null);
      const back = await titles(q, second.previous ?? undefined, filters);
      expect(back.titles, q).to.deep.equal(['Beekeeper A', 'Beekeeper B']);
      expect(back.previous, q).to.equal(null);
    }
  });

  it('take the newest rows first when the index tiers overflow the cap, and every match when they do not', async () => {
    // Inserted oldest first: the table order ranks the oldest first.
    for (const [title, minutesAgo] of [
      ['Orchard picker', 40],
      ['Harvest picker', 30],
      ['Farm picker', 20],
      ['Field picker', 10],
      ['Market picker', 0],
    ] as const) {
      await repository.add(anOpportunity({ title, description: 'Pick apples and bananas.', minutesAgo }));
    }
    // Two clauses, found in descriptions only: the GIN tiers, five matches for a cap of four.
    expect((await titles('apple banana ')).titles).to.deep.equal(['Market picker', 'Field picker']);
    // One match: no overflow, no window needed.
    await repository.add(
      anOpportunity({ title: 'Orchard lead', description: 'Plan the cherry harvest.', minutesAgo: 50 }),
    );
    expect((await titles('cherry ')).titles).to.deep.equal(['Orchard lead']);
  });

  it('page a two-word title tier newest first past the cap, then the lower tiers, both ways', async () => {
    // Inserted out of time order, more rows than the cap (4): a GIN scan would see table order.
    for (const [title, minutesAgo] of [
      ['Python mentor C', 2],
      ['Python mentor A', 0],
      ['Python mentor F', 5],
      ['Python mentor B', 1],
      ['Python mentor E', 4],
      ['Python mentor D', 3],
    ] as const) {
      await repository.add(anOpportunity({ title, minutesAgo }));
    }
    // Newer, but lower tiers: one word in the title, or both only in the description.
    await repository.add(anOpportunity({ title: 'Python tutor', description: 'A mentor role.', minutesAgo: -1 }));
    await repository.add(anOpportunity({ title: 'Garden help', description: 'Python and a mentor.', minutesAgo: -2 }));
    const pages = [
      ['Python mentor A', 'Python mentor B'],
      ['Python mentor C', 'Python mentor D'],
      ['Python mentor E', 'Python mentor F'],
      ['Python tutor', 'Garden help'],
    ];
    // As typed, completed, in another order, and with a typo corrected in each word.
    for (const q of ['python mentor ', 'python ment', 'mentoring python ', 'pyhton mentr ']) {
      const walked = [await titles(q)];
      while (walked.at(-1)?.next) walked.push(await titles(q, walked.at(-1)?.next ?? undefined));
      expect(
        walked.map((page) => page.titles),
        q,
      ).to.deep.equal(pages);
      const back = [await titles(q, walked.at(-1)?.previous ?? undefined)];
      while (back.at(-1)?.previous) back.push(await titles(q, back.at(-1)?.previous ?? undefined));
      expect(
        back.map((page) => page.titles),
        q,
      ).to.deep.equal(pages.slice(0, -1).reverse());
    }
  });

  it('answer a two-word query from the GIN index when its words rarely meet in titles', async () => {
    // Many titles with one of the words, and the only title with both is the oldest: the walks
    // (4 postings each here) stop before reaching it.
    await repository.add(anOpportunity({ title: 'Chess coach', minutesAgo: 100 }));
    for (let i = 0; i < 6; i++) {
      await repository.add(anOpportunity({ title: `Chess club ${i}`, minutesAgo: i }));
      await repository.add(anOpportunity({ title: `Football coach ${i}`, minutesAgo: i }));
    }
    expect((await titles('chess coach ')).titles[0]).to.equal('Chess coach');
  });
});
