import { expect } from 'chai';
import type {
  IdempotencyStore,
  IdempotentChange,
  IdempotentCommit,
  ScopedKey,
} from '../../src/application/idempotency/idempotency-store.port.js';
import type { OpportunityRepository } from '../../src/domain/opportunity/opportunity-repository.port.js';
import { anOpportunity } from '../support/builders.js';

export interface IdempotencyStoreFixture {
  /** A store and the repository its changes apply to, both empty. */
  fresh(): Promise<{ store: IdempotencyStore; opportunities: OpportunityRepository }>;
  /** Works under a key as another request (or instance) would, until the returned release is called. */
  holdInFlight(key: ScopedKey): Promise<() => Promise<void>>;
  close?(): Promise<void>;
}

const NOW = new Date('2026-12-01T10:00:00.000Z');
const HOUR = 3_600_000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

function aCommit(change: IdempotentChange, overrides: Partial<IdempotentCommit> = {}): IdempotentCommit {
  return {
    key: { userId: 'user-1', key: 'key-1' },
    fingerprint: 'f'.repeat(64),
    response: { status: 201, headers: { Location: '/x', ETag: '"1"' }, body: '{"ok":true}' },
    now: NOW,
    expiresAt: at(24 * HOUR),
    change,
    ...overrides,
  };
}

/** What every IdempotencyStore must do; runs on the in-memory store and on PostgreSQL. */
export function idempotencyStoreContract(name: string, fixture: () => IdempotencyStoreFixture): void {
  describe(`IdempotencyStore contract: ${name}`, () => {
    let store: IdempotencyStore;
    let opportunities: OpportunityRepository;
    const setup = fixture();

    beforeEach(async () => {
      ({ store, opportunities } = await setup.fresh());
    });
    after(async () => setup.close?.());

    it('commits an insert together with its record, and refuses the key a second time', async () => {
      const first = anOpportunity({ createdBy: 'user-1' });
      const commit = aCommit({ kind: 'insert', opportunity: first });
      expect(await store.commit(commit)).to.deep.equal({ kind: 'committed' });
      expect(await opportunities.findById(first.id)).to.not.equal(null);

      const second = anOpportunity({ createdBy: 'user-1' });
      const again = await store.commit(aCommit({ kind: 'insert', opportunity: second }, { fingerprint: 'other' }));
      expect(again).to.deep.equal({
        kind: 'recorded',
        record: { fingerprint: commit.fingerprint, response: commit.response, expiresAt: commit.expiresAt },
      });
      expect(await opportunities.findById(second.id)).to.equal(null);
      expect(await store.find(commit.key, NOW)).to.deep.equal({
        fingerprint: commit.fingerprint,
        response: commit.response,
        expiresAt: commit.expiresAt,
      });
    });

    it('answers in_flight, writing nothing, while another request works under the key', async () => {
      const release = await setup.holdInFlight({ userId: 'user-1', key: 'key-1' });
      const blocked = anOpportunity();
      try {
        expect(await store.commit(aCommit({ kind: 'insert', opportunity: blocked }))).to.deep.equal({
          kind: 'in_flight',
        });
        expect(await store.commit(aCommit({ kind: 'delete', id: blocked.id }))).to.deep.equal({ kind: 'in_flight' });
      } finally {
        await release();
      }
      expect(await opportunities.findById(blocked.id)).to.equal(null);
      expect(await store.find({ userId: 'user-1', key: 'key-1' }, NOW)).to.equal(null);
      expect((await store.commit(aCommit({ kind: 'insert', opportunity: blocked }))).kind).to.equal('committed');
    });

    it('keeps keys apart per user', async () => {
      await store.commit(aCommit({ kind: 'insert', opportunity: anOpportunity() }));
      const other = anOpportunity({ createdBy: 'user-2' });
      const outcome = await store.commit(
        aCommit({ kind: 'insert', opportunity: other }, { key: { userId: 'user-2', key: 'key-1' } }),
      );
      expect(outcome.kind).to.equal('committed');
      expect(await store.find({ userId: 'user-3', key: 'key-1' }, NOW)).to.equal(null);
    });

    it('treats an expired record as absent and replaces it', async () => {
      await store.commit(aCommit({ kind: 'insert', opportunity: anOpportunity() }, { expiresAt: at(HOUR) }));
      expect(await store.find({ userId: 'user-1', key: 'key-1' }, at(HOUR))).to.equal(null);
      const later = anOpportunity();
      const outcome = await store.commit(
        aCommit({ kind: 'insert', opportunity: later }, { now: at(HOUR), expiresAt: at(25 * HOUR), fingerprint: 'g' }),
      );
      expect(outcome.kind).to.equal('committed');
      expect((await store.find({ userId: 'user-1', key: 'key-1' }, at(HOUR)))?.fingerprint).to.equal('g');
      expect(await opportunities.findById(later.id)).to.not.equal(null);
    });

    it('applies an update only at the expected version, recording nothing when stale', async () => {
      const original = anOpportunity({ createdBy: 'user-1' });
      await opportunities.add(original);
      const revised = anOpportunity({ id: original.id, title: 'Revised' });
      revised.version = 2;
      const stale = await store.commit(aCommit({ kind: 'update', opportunity: revised, expectedVersion: 5 }));
      expect(stale).to.deep.equal({ kind: 'stale' });
      expect(await store.find({ userId: 'user-1', key: 'key-1' }, NOW)).to.equal(null);

      const applied = await store.commit(aCommit({ kind: 'update', opportunity: revised, expectedVersion: 1 }));
      expect(applied).to.deep.equal({ kind: 'committed' });
      expect((await opportunities.findById(original.id))?.title).to.equal('Revised');
      const replay = await store.commit(aCommit({ kind: 'update', opportunity: revised, expectedVersion: 1 }));
      expect(replay.kind).to.equal('recorded');
    });

    it('deletes and records, even when the row is already gone', async () => {
      const doomed = anOpportunity({ createdBy: 'user-1' });
      await opportunities.add(doomed);
      expect((await store.commit(aCommit({ kind: 'delete', id: doomed.id }))).kind).to.equal('committed');
      expect(await opportunities.findById(doomed.id)).to.equal(null);
      const gone = await store.commit(aCommit({ kind: 'delete', id: doomed.id }, { key: { userId: 'u', key: 'k2' } }));
      expect(gone.kind).to.equal('committed');
    });

    it('deletes only at the expected version: a newer row is stale, kept, and nothing is recorded', async () => {
      const revised = anOpportunity({ createdBy: 'user-1' });
      revised.version = 2;
      await opportunities.add(revised);
      const stale = await store.commit(aCommit({ kind: 'delete', id: revised.id, expectedVersion: 1 }));
      expect(stale).to.deep.equal({ kind: 'stale' });
      expect((await opportunities.findById(revised.id))?.version).to.equal(2);
      expect(await store.find({ userId: 'user-1', key: 'key-1' }, NOW)).to.equal(null);

      const current = await store.commit(aCommit({ kind: 'delete', id: revised.id, expectedVersion: 2 }));
      expect(current.kind).to.equal('committed');
      expect(await opportunities.findById(revised.id)).to.equal(null);
      const gone = { kind: 'delete', id: revised.id, expectedVersion: 2 } as const;
      expect((await store.commit(aCommit(gone, { key: { userId: 'u', key: 'k2' } }))).kind).to.equal('committed');
    });

    it('purges expired records in batches of the given size, and only expired ones', async () => {
      for (let index = 0; index < 5; index += 1) {
        const expiresAt = index < 3 ? at(HOUR) : at(3 * HOUR);
        const key = { userId: 'purge', key: `k${index}` };
        await store.commit(aCommit({ kind: 'insert', opportunity: anOpportunity() }, { key, expiresAt }));
      }
      expect(await store.purgeExpired(at(2 * HOUR), 2)).to.equal(2);
      expect(await store.purgeExpired(at(2 * HOUR), 2)).to.equal(1);
      expect(await store.purgeExpired(at(2 * HOUR), 2)).to.equal(0);
      expect(await store.find({ userId: 'purge', key: 'k3' }, at(2 * HOUR))).to.not.equal(null);
      expect(await store.purgeExpired(at(3 * HOUR), 10)).to.equal(2);
    });
  });
}
