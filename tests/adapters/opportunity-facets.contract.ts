import { expect } from 'chai';
import type { OpportunityRepository } from '../../src/domain/opportunity/opportunity-repository.port.js';
import type { OpportunitySearch } from '../../src/domain/opportunity/search/opportunity-search.port.js';
import { parseSearchQuery } from '../../src/domain/opportunity/search/search-query.js';
import { anOpportunity } from '../support/builders.js';

export interface FacetsFixture {
  /** An empty store whose facet counts are exact up to `bound` matches, and a search over it. */
  fresh(bound: number): Promise<{ repository: OpportunityRepository; search: OpportunitySearch }>;
  close?(): Promise<void>;
}

/** Facet counts over the whole match set, on every adapter: exact up to the bound, then marked approximate. */
export function opportunityFacetsContract(name: string, fixture: () => FacetsFixture): void {
  describe(`Facet counts: ${name}`, () => {
    const setup = fixture();
    after(async () => setup.close?.());

    async function seeded(bound: number) {
      const store = await setup.fresh(bound);
      const rows = [
        { title: 'Garden helper', category: 'volunteering', status: 'open', at: { lat: 48.85, lng: 2.35 } },
        { title: 'Garden designer', category: 'jobs', status: 'open', at: { lat: 48.86, lng: 2.34 } },
        { title: 'Garden tools', category: 'volunteering', status: 'closed', at: { lat: 45.76, lng: 4.83 } },
        { title: 'Piano teacher', category: 'music', status: 'open', at: null },
        { title: 'Garden party', category: 'volunteering', status: 'open', at: null },
      ];
      for (const [i, row] of rows.entries()) {
        const { title, category, status, at } = row;
        const coordinates = at;
        await store.repository.add(anOpportunity({ title, category, status, coordinates, tags: [], minutesAgo: i }));
      }
      return store;
    }

    it('counts every match of a listing (not the page), for the fields asked, with the filters and near', async () => {
      const { repository } = await seeded(100);
      expect(await repository.countFacets(['category', 'status'], {})).to.deep.equal({
        counts: { category: { volunteering: 3, jobs: 1, music: 1 }, status: { open: 4, closed: 1 } },
        exact: true,
      });
      expect(await repository.countFacets(['status'], { category: 'volunteering' })).to.deep.equal({
        counts: { status: { open: 2, closed: 1 } },
        exact: true,
      });
      const paris = { point: { lat: 48.8566, lng: 2.3522 }, radiusKm: 10 };
      expect(await repository.countFacets(['category'], {}, paris)).to.deep.equal({
        counts: { category: { volunteering: 1, jobs: 1 } },
        exact: true,
      });
    });

    it('counts the matches of a search, and marks counts approximate beyond the bound', async () => {
      const { repository, search } = await seeded(3);
      const found = await search.search({
        query: parseSearchQuery('garden '),
        filters: {},
        page: { limit: 1 },
        mode: 'full',
        facets: ['category'],
      });
      expect(found.items).to.have.length(1);
      // Four gardens match, the bound is 3: four were counted (the bound and one more), and said so.
      expect(found.facets?.exact).to.equal(false);
      const counted = Object.values(found.facets?.counts.category ?? {}).reduce((a, b) => a + b, 0);
      expect(counted).to.equal(4);
      const exact = await search.search({
        query: parseSearchQuery('garden '),
        filters: { status: 'open' },
        page: { limit: 1 },
        mode: 'full',
        facets: ['category', 'status'],
      });
      expect(exact.facets).to.deep.equal({
        counts: { category: { volunteering: 2, jobs: 1 }, status: { open: 3 } },
        exact: true,
      });
      const all = await repository.countFacets(['status'], {});
      expect(all.exact).to.equal(false);
      const none = await search.search({
        query: parseSearchQuery('saxophone '),
        filters: {},
        page: { limit: 1 },
        mode: 'full',
        facets: ['status'],
      });
      expect(none.facets).to.deep.equal({ counts: { status: {} }, exact: true });
      const plain = await search.search({
        query: parseSearchQuery('garden '),
        filters: {},
        page: { limit: 1 },
        mode: 'full',
      });
      expect(plain.facets).to.equal(undefined);
    });
  });
}
