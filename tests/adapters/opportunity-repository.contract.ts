import { expect } from 'chai';
import { ConflictError } from '../../src/domain/domain-errors.js';
import type { Opportunity } from '../../src/domain/opportunity/opportunity.js';
import type {
  OpportunityRepository,
  PageRequest,
  Slice,
} from '../../src/domain/opportunity/opportunity-repository.port.js';
import { anOpportunity } from '../support/builders.js';
import { rejection } from '../support/rejection.js';

export interface RepositoryFixture {
  /** A repository over an empty store. */
  fresh(): Promise<OpportunityRepository>;
  close?(): Promise<void>;
}

const ids = (slice: Slice<Opportunity>) => slice.items.map((item) => item.id);
const position = (o: Opportunity) => ({ createdAt: o.createdAt, id: o.id });

/**
 * What every OpportunityRepository must do. Runs against the in-memory adapter and against
 * the PostgreSQL adapter on a real server, so the fake used by application tests cannot drift from the
 * real thing.
 */
export function opportunityRepositoryContract(name: string, fixture: () => RepositoryFixture): void {
  describe(`OpportunityRepository contract: ${name}`, () => {
    let repo: OpportunityRepository;
    const setup = fixture();

    beforeEach(async () => {
      repo = await setup.fresh();
    });
    after(async () => setup.close?.());

    it('stores and finds an opportunity with every field intact', async () => {
      const opportunity = anOpportunity({ location: null, deadline: null, tags: ['a', 'b c'] });
      await repo.add(opportunity);
      const found = await repo.findById(opportunity.id);
      expect(found?.toSnapshot()).to.deep.equal(opportunity.toSnapshot());
    });

    it('stores coordinates, including the poles and both sides of the antimeridian, and clears them', async () => {
      const places = [
        { lat: 38.7223, lng: -9.1393 },
        { lat: 90, lng: 180 },
        { lat: -90, lng: -180 },
        { lat: -16.5, lng: 179.999999 },
      ];
      for (const coordinates of places) {
        const opportunity = anOpportunity({ coordinates });
        await repo.add(opportunity);
        expect((await repo.findById(opportunity.id))?.coordinates).to.deep.equal(coordinates);
        opportunity.revise({ ...opportunity.toSnapshot(), coordinates: null }, new Date('2026-11-02T00:00:00Z'));
        await repo.update(opportunity, 1);
        expect((await repo.findById(opportunity.id))?.coordinates).to.equal(null);
      }
    });

    it('returns null for an unknown id', async () => {
      expect(await repo.findById('00000000-0000-4000-8000-00000000ffff')).to.equal(null);
    });

    it('refuses a second add with the same id', async () => {
      const opportunity = anOpportunity();
      await repo.add(opportunity);
      await expectConflict(() => repo.add(opportunity));
    });

    it('updates only from the expected version', async () => {
      const opportunity = anOpportunity();
      await repo.add(opportunity);
      opportunity.revise({ ...opportunity.toSnapshot(), title: 'Revised' }, new Date('2026-11-02T00:00:00Z'));
      await repo.update(opportunity, 1);
      expect((await repo.findById(opportunity.id))?.toSnapshot()).to.deep.equal(opportunity.toSnapshot());

      const stale = (await repo.findById(opportunity.id)) as Opportunity;
      stale.revise({ ...stale.toSnapshot(), title: 'Lost update' }, new Date());
      await expectConflict(() => repo.update(stale, 1));
      expect((await repo.findById(opportunity.id))?.title).to.equal('Revised');
    });

    it('reports a conflict when updating a deleted opportunity', async () => {
      const opportunity = anOpportunity();
      await repo.add(opportunity);
      expect(await repo.remove(opportunity.id)).to.equal(true);
      opportunity.revise(opportunity.toSnapshot(), new Date());
      await expectConflict(() => repo.update(opportunity, 1));
      expect(await repo.remove(opportunity.id)).to.equal(false);
    });

    it('removes only at the expected version when one is given', async () => {
      const opportunity = anOpportunity();
      await repo.add(opportunity);
      expect(await repo.remove(opportunity.id, 2)).to.equal(false);
      expect(await repo.findById(opportunity.id)).to.not.equal(null);
      expect(await repo.remove(opportunity.id, 1)).to.equal(true);
      expect(await repo.findById(opportunity.id)).to.equal(null);
    });

    it('lists newest first, filtered, and walks pages both ways by keyset', async () => {
      const all = Array.from({ length: 7 }, (_, i) =>
        anOpportunity({ minutesAgo: i, category: i % 2 === 0 ? 'even' : 'odd', createdBy: i < 3 ? 'alice' : 'bob' }),
      );
      for (const opportunity of [...all].reverse()) await repo.add(opportunity);
      const newestFirst = all.map((o) => o.id);

      const first = await repo.list({}, { limit: 3 });
      expect(ids(first)).to.deep.equal(newestFirst.slice(0, 3));
      expect(first.hasMore).to.equal(true);
      const second = await repo.list({}, { limit: 3, after: position(all[2] as Opportunity) });
      expect(ids(second)).to.deep.equal(newestFirst.slice(3, 6));
      const last = await repo.list({}, { limit: 3, after: position(all[5] as Opportunity) });
      expect(ids(last)).to.deep.equal(newestFirst.slice(6));
      expect(last.hasMore).to.equal(false);

      const back = await repo.list({}, { limit: 2, before: position(all[3] as Opportunity) });
      expect(ids(back)).to.deep.equal(newestFirst.slice(1, 3));
      expect(back.hasMore).to.equal(true);

      expect(ids(await repo.list({ category: 'odd' }, { limit: 10 }))).to.deep.equal(
        [all[1], all[3], all[5]].map((o) => o?.id),
      );
      expect(ids(await repo.list({ createdBy: 'alice', category: 'even' }, { limit: 10 }))).to.deep.equal(
        [all[0], all[2]].map((o) => o?.id),
      );
      expect((await repo.list({ status: 'closed' }, { limit: 10 })).items).to.have.length(0);
    });

    it('orders opportunities created in the same millisecond by id, without losing any across pages', async () => {
      const same = Array.from({ length: 5 }, () => anOpportunity({ minutesAgo: 0 }));
      for (const opportunity of same) await repo.add(opportunity);
      const seen: string[] = [];
      let page: PageRequest = { limit: 2 };
      for (;;) {
        const slice = await repo.list({}, page);
        seen.push(...ids(slice));
        const last = slice.items[slice.items.length - 1];
        if (!slice.hasMore || !last) break;
        page = { limit: 2, after: position(last) };
      }
      expect(seen).to.deep.equal(
        same
          .map((o) => o.id)
          .sort()
          .reverse(),
      );
    });

    it('filters lists by location (ignoring case and accents) and by tag', async () => {
      const krakow = anOpportunity({ location: 'Kraków', tags: ['remote', 'paid'], minutesAgo: 1 });
      const lyon = anOpportunity({ location: 'Lyon', tags: ['paid'], minutesAgo: 2 });
      const nowhere = anOpportunity({ location: null, tags: [], minutesAgo: 3 });
      for (const opportunity of [krakow, lyon, nowhere]) await repo.add(opportunity);
      expect(ids(await repo.list({ location: 'krakow' }, { limit: 10 }))).to.deep.equal([krakow.id]);
      expect(ids(await repo.list({ location: 'KRAKÓW' }, { limit: 10 }))).to.deep.equal([krakow.id]);
      expect(ids(await repo.list({ tag: 'paid' }, { limit: 10 }))).to.deep.equal([krakow.id, lyon.id]);
      expect(ids(await repo.list({ tag: 'paid', location: 'lyon' }, { limit: 10 }))).to.deep.equal([lyon.id]);
      expect(ids(await repo.list({ tag: 'Paid' }, { limit: 10 }))).to.deep.equal([]);
    });
  });
}

async function expectConflict(action: () => Promise<unknown>): Promise<void> {
  expect(await rejection(action(), 'the repository call')).to.be.instanceOf(ConflictError);
}
