import { expect } from 'chai';
import { InMemoryOpportunityRepository } from '../../../src/adapters/in-memory/in-memory-opportunity-repository.js';
import { InMemoryOpportunitySearch } from '../../../src/adapters/in-memory/in-memory-opportunity-search.js';
import { ListOpportunities } from '../../../src/application/opportunity/list-opportunities.use-case.js';
import type { PageCursor } from '../../../src/application/opportunity/pagination.js';
import { SearchOpportunities } from '../../../src/application/opportunity/search-opportunities.use-case.js';
import { ValidationError } from '../../../src/domain/domain-errors.js';
import type { Opportunity } from '../../../src/domain/opportunity/opportunity.js';
import { anOpportunity } from '../../support/builders.js';

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
    const start = await list.execute({}, { limit: 2, cursor: back.previous as PageCursor });
    expect(start.items.map((o) => o.id)).to.deep.equal([all[0]?.id, all[1]?.id]);
    expect(start.previous).to.equal(null);
    expect(start.next).to.not.equal(null);
  });

  it('defaults to 20 per page and refuses sizes outside 1..100', async () => {
    const list = new ListOpportunities(repository);
    expect((await list.execute({}, {})).items).to.have.length(5);
    for (const limit of [0, 101, 2.5]) {
      try {
        await list.execute({}, { limit });
        expect.fail(`limit ${limit} should be refused`);
      } catch (error) {
        expect(error).to.be.instanceOf(ValidationError);
      }
    }
  });

  it('searches with the same paging and refuses blank or overlong text', async () => {
    const search = new SearchOpportunities(new InMemoryOpportunitySearch(repository));
    const first = await search.execute('garden', {}, { limit: 3 });
    expect(first.items).to.have.length(3);
    expect(first.next?.position.rank).to.be.a('number');
    const rest = await search.execute('garden', {}, { limit: 3, cursor: first.next as PageCursor });
    expect(rest.items).to.have.length(2);
    for (const text of ['   ', 'x'.repeat(201)]) {
      try {
        await search.execute(text, {}, {});
        expect.fail(`"${text.slice(0, 10)}" should be refused`);
      } catch (error) {
        expect(error).to.be.instanceOf(ValidationError);
        expect((error as ValidationError).issues[0]?.field).to.equal('q');
      }
    }
  });
});
