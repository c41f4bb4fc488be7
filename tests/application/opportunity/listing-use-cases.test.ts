import { expect } from 'chai';
import { InMemoryOpportunityRepository } from '../../../src/adapters/in-memory/in-memory-opportunity-repository.js';
import { InMemoryOpportunitySearch } from '../../../src/adapters/in-memory/in-memory-opportunity-search.js';
import { ListOpportunities } from '../../../src/application/opportunity/list-opportunities.use-case.js';
import type { PageCursor } from '../../../src/application/opportunity/pagination.js';
import { SearchOpportunities } from '../../../src/application/opportunity/search-opportunities.use-case.js';
import { ValidationError } from '../../../src/domain/domain-errors.js';
import type { Opportunity } from '../../../src/domain/opportunity/opportunity.js';
import { anOpportunity } from '../../support/builders.js';
import { rejection } from '../../support/rejection.js';

describe('Listing and search use cases (in-memory adapters)', () => {
  let repository: InMemoryOpportunityRepository;
  let all: Opportunity[];

  beforeEach(async () => {
    repository = new InMemoryOpportunityRepository();
    all = Array.from({ length: 5 }, (_, i) => anOpportunity({ minutesAgo: i, title: `Garden job ${i}` }));
    for (const opportunity of all) await repository.add(opportunity);
  });

  it('pages forwards and backwards with DRF-style cursors', async () => {
    const list = new ListOpportunities(repository);
    const first = await list.execute({}, { limit: 2 });
    expect(first.items.map((o) => o.id)).to.deep.equal([all[0]?.id, all[1]?.id]);
    expect(first.previous).to.equal(null);
    const second = await list.execute({}, { limit: 2, cursor: first.next as PageCursor });
    expect(second.items.map((o) => o.id)).to.deep.equal([all[2]?.id, all[3]?.id]);
    const third = await list.execute({}, { limit: 2, cursor: second.next as PageCursor });
    expect(third.items.map((o) => o.id)).to.deep.equal([all[4]?.id]);
    expect(third.next).to.equal(null);
    const back = await list.execute({}, { limit: 2, cursor: third.previous as PageCursor });
    expect(back.items.map((o) => o.id)).to.deep.equal([all[2]?.id, all[3]?.id]);
    const forwardAgain = await list.execute({}, { limit: 2, cursor: back.next as PageCursor });
    expect(forwardAgain.items.map((o) => o.id)).to.deep.equal([all[4]?.id]);
    const start = await list.execute({}, { limit: 2, cursor: back.previous as PageCursor });
    expect(start.items.map((o) => o.id)).to.deep.equal([all[0]?.id, all[1]?.id]);
    expect(start.previous).to.equal(null);
    expect(start.next).to.not.equal(null);
  });

  it('defaults to 20 per page and refuses sizes outside 1..100', async () => {
    for (let i = 0; i < 20; i += 1) await repository.add(anOpportunity({ minutesAgo: 10 + i }));
    const list = new ListOpportunities(repository);
    const first = await list.execute({}, {});
    expect(first.items).to.have.length(20);
    expect(first.next, 'a next page after 20 of 25').to.not.equal(null);
    expect((await list.execute({}, { cursor: first.next as PageCursor })).items).to.have.length(5);
    expect((await list.execute({}, { limit: 1 })).items).to.have.length(1);
    expect((await list.execute({}, { limit: 100 })).items).to.have.length(25);
    for (const limit of [0, 101, 2.5]) {
      const error = await rejection(() => list.execute({}, { limit }), `limit ${limit}`);
      expect(error).to.be.instanceOf(ValidationError);
      expect((error as ValidationError).issues).to.deep.equal([
        { field: 'limit', message: 'must be an integer from 1 to 100' },
      ]);
    }
  });

  it('searches with the same paging and refuses blank or overlong text', async () => {
    const search = new SearchOpportunities(new InMemoryOpportunitySearch(repository));
    const first = await search.execute('garden', {}, { limit: 3 });
    expect(first.items).to.have.length(3);
    expect(first.next?.position.rank).to.be.a('number');
    const rest = await search.execute('garden', {}, { limit: 3, cursor: first.next as PageCursor });
    expect(rest.items).to.have.length(2);
    const refusals = [
      ['   ', 'must not be blank'],
      ['x'.repeat(201), 'must be at most 200 characters'],
    ] as const;
    for (const [text, message] of refusals) {
      const error = await rejection(() => search.execute(text, {}, {}), `searching "${text.slice(0, 10)}"`);
      expect(error).to.be.instanceOf(ValidationError);
      expect((error as ValidationError).issues).to.deep.equal([{ field: 'q', message }]);
    }
    expect(
      (await search.execute(` garden${' '.repeat(188)}garden `, {}, {})).items,
      '200 characters once trimmed',
    ).to.have.length(5);
  });
});
