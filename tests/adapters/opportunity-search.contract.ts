import { expect } from 'chai';
import type { Opportunity } from '../../src/domain/opportunity/opportunity.js';
import type { OpportunityRepository } from '../../src/domain/opportunity/opportunity-repository.port.js';
import type {
  OpportunitySearch,
  SearchRequest,
  SearchResults,
} from '../../src/domain/opportunity/search/opportunity-search.port.js';
import { parseSearchQuery } from '../../src/domain/opportunity/search/search-query.js';
import { anOpportunity } from '../support/builders.js';
import { haversineKm } from '../support/haversine.js';

export interface SearchFixture {
  /** An empty store and a search over it. */
  fresh(): Promise<{ repository: OpportunityRepository; search: OpportunitySearch }>;
  close?(): Promise<void>;
}

const titles = (results: SearchResults) => results.items.map((hit) => hit.opportunity.title);

/**
 * What every OpportunitySearch must do, on the in-memory stand-in and on PostgreSQL alike. The
 * PostgreSQL-only qualities (stemming, snippets, judged relevance) are in search-quality.test.ts.
 */
export function opportunitySearchContract(name: string, fixture: () => SearchFixture): void {
  describe(`OpportunitySearch contract: ${name}`, () => {
    let search: OpportunitySearch;
    let added: (opportunity: Opportunity) => Promise<void>;
    const setup = fixture();
    const find = (text: string, extra: Partial<SearchRequest> = {}) =>
      search.search({ query: parseSearchQuery(text), filters: {}, page: { limit: 10 }, mode: 'full', ...extra });

    beforeEach(async () => {
      const fresh = await setup.fresh();
      search = fresh.search;
      added = (opportunity) => fresh.repository.add(opportunity);
      const rows: Opportunity[] = [
        anOpportunity({ title: 'Piano teacher wanted', description: 'Weekly lessons.', tags: [], minutesAgo: 5 }),
        anOpportunity({ title: 'Music school helper', description: 'Assist staff.', tags: ['piano'], minutesAgo: 4 }),
        anOpportunity({ title: 'Event crew', description: 'Move a piano on stage.', tags: [], minutesAgo: 3 }),
        anOpportunity({ title: 'Café barista', description: 'Coffee for volunteers.', tags: [], minutesAgo: 2 }),
        anOpportunity({
          title: 'Python mentor',
          description: 'Teach teenagers.',
          tags: ['remote'],
          location: 'Kraków',
          category: 'tech',
          minutesAgo: 1,
        }),
        anOpportunity({ title: 'Dog walker', description: 'Walk dogs.', tags: ['pets'], minutesAgo: 0 }),
      ];
      for (const row of rows) await fresh.repository.add(row);
    });
    after(async () => setup.close?.());

    it('near a point: a filter that keeps relevance order, each hit with its great-circle distance', async () => {
      const oslo = { lat: 59.9139, lng: 10.7522 };
      const near = { point: oslo, radiusKm: 30 };
      // Only the fixture rows given coordinates below are near; the rest have none.
      expect(titles(await find('piano ', { near }))).to.deep.equal([]);
      const placed = [
        anOpportunity({ title: 'Garden helper', description: 'Weeding.', coordinates: { lat: 59.95, lng: 10.9 } }),
        anOpportunity({
          title: 'Tool shed',
          description: 'A garden to tidy.',
          coordinates: { lat: 59.914, lng: 10.75 },
        }),
        anOpportunity({ title: 'Garden far away', description: 'Bergen.', coordinates: { lat: 60.39, lng: 5.32 } }),
      ];
      for (const row of placed) await added(row);
      const found = await find('garden ', { near });
      // The title match first although it is farther: distance filters, relevance orders.
      expect(titles(found)).to.deep.equal(['Garden helper', 'Tool shed']);
      for (const hit of found.items) {
        expect(hit.distanceKm).to.be.closeTo(haversineKm(oslo, hit.opportunity.coordinates as typeof oslo), 1e-6);
      }
      expect((await find('garden ')).items.every((hit) => hit.distanceKm === undefined)).to.equal(true);
      expect(titles(await find('garden ', { near: { point: oslo, radiusKm: 500 } }))).to.have.length(3);
    });

    it('ranks title over tags over description, and honours exclusions', async () => {
      expect(titles(await find('piano '))).to.deep.equal(['Piano teacher wanted', 'Music school helper', 'Event crew']);
      expect(titles(await find('piano -stage '))).to.have.members(['Piano teacher wanted', 'Music school helper']);
      expect(titles(await find('saxophone '))).to.deep.equal([]);
    });

    it('treats the last word as a prefix while it is typed, and folds accents both ways', async () => {
      expect(titles(await find('pia'))).to.include('Piano teacher wanted');
      expect(titles(await find('pia '))).to.deep.equal([]);
      expect(titles(await find('cafe '))).to.deep.equal(['Café barista']);
      expect(titles(await find('CAFÉ '))).to.deep.equal(['Café barista']);
    });

    it('forgives a typo from five letters, ranks exact first and suggests the corrected query', async () => {
      const corrected = await find('pyhton mentr ');
      expect(titles(corrected)).to.deep.equal(['Python mentor']);
      expect(corrected.suggestion).to.equal('python mentor');
      expect(titles(await find('pian '))).to.deep.equal([]);
      const exact = await find('python ');
      expect(exact.suggestion).to.equal(null);
    });

    it('combines search with category, location, tag and status filters', async () => {
      const filtered = (filters: SearchRequest['filters']) => find('python ', { filters }).then(titles);
      expect(await filtered({ category: 'tech', location: 'krakow', tag: 'remote', status: 'open' })).to.deep.equal([
        'Python mentor',
      ]);
      expect(await filtered({ tag: 'pets' })).to.deep.equal([]);
      expect(await filtered({ status: 'closed' })).to.deep.equal([]);
    });

    it('marks matched words in the title as text runs', async () => {
      const [hit] = (await find('mentor ')).items;
      expect(hit?.highlight.title).to.deep.equal([
        { text: 'Python ', match: false },
        { text: 'mentor', match: true },
      ]);
    });

    it('pages through ranked results without repeats or gaps, both ways', async () => {
      const all = await find('piano ');
      const first = await find('piano ', { page: { limit: 2 } });
      expect(first.hasMore).to.equal(true);
      const last = first.items[1] as (typeof first.items)[number];
      const position = (hit: typeof last) => ({
        createdAt: hit.opportunity.createdAt,
        id: hit.opportunity.id,
        rank: hit.rank,
      });
      const rest = await find('piano ', { page: { limit: 2, after: position(last) } });
      expect([...titles(first), ...titles(rest)]).to.deep.equal(titles(all));
      expect(rest.hasMore).to.equal(false);
      const back = await find('piano ', { page: { limit: 2, before: position(rest.items[0] as typeof last) } });
      expect(titles(back)).to.deep.equal(titles(first));
    });
  });
}
