import { expect } from 'chai';
import type { Opportunity } from '../../src/domain/opportunity/opportunity.js';
import type { NearQuery } from '../../src/domain/opportunity/nearby.js';
import type {
  Nearby,
  OpportunityRepository,
  PagePosition,
} from '../../src/domain/opportunity/opportunity-repository.port.js';
import { anOpportunity } from '../support/builders.js';
import { haversineKm } from '../support/haversine.js';
import type { RepositoryFixture } from './opportunity-repository.contract.js';

type Place = { lat: number; lng: number };
const ids = (items: readonly Nearby[]) => items.map((item) => item.opportunity.id);

/**
 * "Near a point" as every OpportunityRepository answers it. Distances are compared with a
 * haversine computed in the test, near the poles and across the antimeridian too.
 */
export function opportunityNearbyContract(name: string, fixture: () => RepositoryFixture): void {
  describe(`OpportunityRepository near a point: ${name}`, () => {
    let repo: OpportunityRepository;
    const setup = fixture();
    beforeEach(async () => {
      repo = await setup.fresh();
    });
    after(async () => setup.close?.());

    async function place(coordinates: Place | null, minutesAgo = 0, extra: { category?: string } = {}) {
      const opportunity = anOpportunity({ coordinates, minutesAgo, ...extra });
      await repo.add(opportunity);
      return opportunity;
    }

    /** Every page walked forwards, then every page walked back from the end, must give the same list. */
    async function walk(near: NearQuery, order: 'newest' | 'distance', limit: number): Promise<Nearby[]> {
      const forwards: Nearby[] = [];
      let after: PagePosition | undefined;
      for (;;) {
        const slice = await repo.listNear({}, near, order, { limit, ...(after ? { after } : {}) });
        forwards.push(...slice.items);
        const last = slice.items[slice.items.length - 1];
        if (!slice.hasMore || !last) break;
        after = positionOf(last, order);
      }
      const backwards: Nearby[] = [];
      let before: PagePosition | undefined =
        forwards.length > 0 ? positionOf(forwards.at(-1) as Nearby, order) : undefined;
      while (before) {
        const slice = await repo.listNear({}, near, order, { limit, before });
        backwards.unshift(...slice.items);
        const first = slice.items[0];
        before = slice.hasMore && first ? positionOf(first, order) : undefined;
      }
      expect(ids(backwards), 'walked back from the last item').to.deep.equal(ids(forwards).slice(0, -1));
      return forwards;
    }

    const positionOf = (item: Nearby, order: 'newest' | 'distance'): PagePosition => ({
      createdAt: item.opportunity.createdAt,
      id: item.opportunity.id,
      ...(order === 'distance' ? { distanceKey: item.distanceKey } : {}),
    });

    it('keeps those within the radius, with great-circle distances as haversine gives them, nearest first', async () => {
      const lisbon = { lat: 38.7223, lng: -9.1393 };
      const places: Place[] = [
        { lat: 38.7369, lng: -9.1427 }, // ~1.6 km
        { lat: 38.6979, lng: -9.4215 }, // Cascais, ~24.6 km
        { lat: 38.5244, lng: -8.8882 }, // Setúbal, ~31 km
        { lat: 41.1579, lng: -8.6291 }, // Porto, ~274 km
        { lat: 38.7223, lng: -9.1393 }, // the point itself
      ];
      const stored = await Promise.all(places.map((coordinates, i) => place(coordinates, i)));
      await place(null, 9);
      const near = { point: lisbon, radiusKm: 25 };
      const found = (await repo.listNear({}, near, 'distance', { limit: 10 })).items;
      expect(ids(found)).to.deep.equal([stored[4], stored[0], stored[1]].map((o) => (o as Opportunity).id));
      for (const item of found) {
        const expected = haversineKm(lisbon, item.opportunity.coordinates as Place);
        expect(item.distanceKm).to.be.closeTo(expected, 1e-6 + expected * 1e-9);
      }
      const wide = await repo.listNear({}, { point: lisbon, radiusKm: 500 }, 'newest', { limit: 10 });
      expect(ids(wide.items)).to.deep.equal(stored.map((o) => o.id));
      const jobs = await repo.listNear({ category: 'jobs' }, { point: lisbon, radiusKm: 500 }, 'newest', { limit: 10 });
      expect(jobs.items).to.deep.equal([]);
    });

    it('is right around a pole: every meridian meets there', async () => {
      const north = { lat: 90, lng: 0 };
      const ring = await Promise.all([0, 90, 180, -135].map((lng, i) => place({ lat: 89.9, lng }, i)));
      const across = await place({ lat: 89.8, lng: 180 }, 10); // 22.3 km from the pole, over it
      const found = await walk({ point: north, radiusKm: 20 }, 'distance', 2);
      // Equally far in exact arithmetic; the last bits of each float decide their order.
      expect(ids(found)).to.have.members(ring.map((o) => o.id));
      for (const item of found) expect(item.distanceKm).to.be.closeTo(haversineKm(north, { lat: 89.9, lng: 0 }), 1e-6);
      const fromTheRing = await repo.listNear({}, { point: { lat: 89.9, lng: 0 }, radiusKm: 35 }, 'distance', {
        limit: 10,
      });
      expect(fromTheRing.items.map((item) => item.distanceKm)).to.deep.equal(
        fromTheRing.items.map((item) => item.distanceKm).sort((a, b) => a - b),
      );
      const acrossItem = fromTheRing.items.find((item) => item.opportunity.id === across.id);
      expect(acrossItem?.distanceKm).to.be.closeTo(haversineKm({ lat: 89.9, lng: 0 }, { lat: 89.8, lng: 180 }), 1e-6);
      expect(acrossItem?.distanceKm).to.be.closeTo(33.4, 0.1);
    });

    it('is right across the antimeridian (179.9° E is 21 km from 179.9° W at 16.5° S)', async () => {
      const fiji = { lat: -16.5, lng: 179.9 };
      const east = await place({ lat: -16.5, lng: -179.9 }, 1);
      const west = await place({ lat: -16.5, lng: 179.5 }, 2);
      await place({ lat: -16.5, lng: 170 }, 3);
      const found = (await repo.listNear({}, { point: fiji, radiusKm: 50 }, 'distance', { limit: 10 })).items;
      expect(ids(found)).to.deep.equal([east.id, west.id]);
      expect(found[0]?.distanceKm).to.be.closeTo(haversineKm(fiji, { lat: -16.5, lng: -179.9 }), 1e-6);
      expect(found[0]?.distanceKm).to.be.closeTo(21.3, 0.1);
      expect(found[1]?.distanceKm).to.be.closeTo(haversineKm(fiji, { lat: -16.5, lng: 179.5 }), 1e-6);
    });

    it('pages nearest first and newest first with stable cursors, ties at one spot included', async () => {
      const centre = { lat: 48.8566, lng: 2.3522 };
      const spots = [0, 0.01, 0.02, 0.01, 0, 0.03, 0.02, 0, 0.05];
      const stored = await Promise.all(spots.map((d, i) => place({ lat: centre.lat + d, lng: centre.lng }, i)));
      const near = { point: centre, radiusKm: 25 };
      const byDistance = await walk(near, 'distance', 2);
      const expected = [...stored].sort(
        (a, b) =>
          haversineKm(centre, a.coordinates as Place) - haversineKm(centre, b.coordinates as Place) ||
          b.createdAt.getTime() - a.createdAt.getTime(),
      );
      expect(ids(byDistance)).to.deep.equal(expected.map((o) => o.id));
      const newest = await walk(near, 'newest', 4);
      expect(ids(newest)).to.deep.equal(stored.map((o) => o.id));
    });
  });
}
