import { expect } from 'chai';
import { InMemoryIdempotencyStore } from '../../../src/adapters/in-memory/in-memory-idempotency-store.js';
import { InMemoryOpportunityRepository } from '../../../src/adapters/in-memory/in-memory-opportunity-repository.js';
import { NodeHasher } from '../../../src/adapters/system/node-hasher.js';
import { CreateOpportunityIdempotently } from '../../../src/application/idempotency/create-opportunity-idempotently.use-case.js';
import { DeleteOpportunityIdempotently } from '../../../src/application/idempotency/delete-opportunity-idempotently.use-case.js';
import {
  IdempotencyKeyInFlightError,
  IdempotencyKeyReusedError,
} from '../../../src/application/idempotency/idempotency-errors.js';
import { checkIdempotencyKey } from '../../../src/application/idempotency/idempotency-key.js';
import {
  canonicalJson,
  DEFAULT_IDEMPOTENCY_POLICY,
  IdempotentRequests,
} from '../../../src/application/idempotency/idempotent-requests.js';
import { PurgeExpiredIdempotencyKeys } from '../../../src/application/idempotency/purge-expired-idempotency-keys.use-case.js';
import { UpdateOpportunityIdempotently } from '../../../src/application/idempotency/update-opportunity-idempotently.use-case.js';
import { CreateOpportunity } from '../../../src/application/opportunity/create-opportunity.use-case.js';
import { DeleteOpportunity } from '../../../src/application/opportunity/delete-opportunity.use-case.js';
import { UpdateOpportunity } from '../../../src/application/opportunity/update-opportunity.use-case.js';
import { aDraft, alice, FixedClock, SequentialIds } from '../../support/builders.js';
import { rejection } from '../../support/rejection.js';

/** The details clients and operators see: codes, messages, the canonical form and the defaults. */
describe('Idempotency-Key details', () => {
  it('errors carry stable codes and say what to do', () => {
    expect(new IdempotencyKeyReusedError()).to.include({
      code: 'idempotency_key_reused',
      message: 'This Idempotency-Key was already used with a different request; use a new key for a new request',
    });
    expect(new IdempotencyKeyInFlightError(3)).to.include({
      code: 'idempotency_key_in_flight',
      message: 'A request with this Idempotency-Key is still being processed; retry shortly',
      retryAfterSeconds: 3,
    });
  });

  it('refuses an empty, long or non-printable key with one message', () => {
    for (const bad of ['', 'x'.repeat(256), 'é']) {
      expect(checkIdempotencyKey(bad), JSON.stringify(bad)).to.deep.equal({
        ok: false,
        message: 'must be 1 to 255 printable ASCII characters',
      });
    }
  });

  it('writes one canonical JSON text whatever the key order, keeping nulls and array order', () => {
    expect(canonicalJson({ d: 4, c: [3, undefined, 'x'], b: null, a: { z: 1, y: { x: true } } })).to.equal(
      '{"a":{"y":{"x":true},"z":1},"b":null,"c":[3,null,"x"],"d":4}',
    );
    expect(canonicalJson([{ b: 1, a: 2 }, []])).to.equal('[{"a":2,"b":1},[]]');
  });

  it('keeps a key and its answer for 24 hours by default', () => {
    expect(DEFAULT_IDEMPOTENCY_POLICY).to.deep.equal({ retentionMs: 86_400_000, inFlightRetryAfterSeconds: 1 });
  });

  describe('one key, one request', () => {
    let repository: InMemoryOpportunityRepository;
    let create: CreateOpportunityIdempotently;
    let update: UpdateOpportunityIdempotently;
    let remove: DeleteOpportunityIdempotently;
    const present = () => ({ status: 200, headers: {}, body: '' });

    beforeEach(() => {
      repository = new InMemoryOpportunityRepository();
      const clock = new FixedClock();
      const store = new InMemoryIdempotencyStore(repository);
      const requests = new IdempotentRequests(store, new NodeHasher(), clock, DEFAULT_IDEMPOTENCY_POLICY);
      create = new CreateOpportunityIdempotently(
        new CreateOpportunity(repository, new SequentialIds(), clock),
        requests,
      );
      update = new UpdateOpportunityIdempotently(new UpdateOpportunity(repository, clock), requests);
      remove = new DeleteOpportunityIdempotently(new DeleteOpportunity(repository), requests);
    });

    async function twoOpportunities(): Promise<[string, string]> {
      const ids: string[] = [];
      for (const key of ['c1', 'c2']) {
        await create.execute(alice, { idempotencyKey: key, draft: aDraft({ title: key }) }, present);
      }
      for (const o of (await repository.list({}, { limit: 10 })).items) ids.push(o.id);
      return [ids[0] as string, ids[1] as string];
    }

    it('refuses a key reused for an update of another opportunity, changing nothing', async () => {
      const [first, second] = await twoOpportunities();
      const untouched = (await repository.findById(second))?.toSnapshot();
      await update.execute(alice, { id: first, draft: aDraft({ title: 'Renamed' }), idempotencyKey: 'u' }, present);
      const error = await rejection(
        update.execute(alice, { id: second, draft: aDraft({ title: 'Renamed' }), idempotencyKey: 'u' }, present),
      );
      expect(error).to.be.instanceOf(IdempotencyKeyReusedError);
      expect((await repository.findById(second))?.toSnapshot()).to.deep.equal(untouched);
    });

    it('refuses a key reused for a delete of another opportunity, deleting nothing', async () => {
      const [first, second] = await twoOpportunities();
      await remove.execute(alice, { id: first, idempotencyKey: 'd' }, present);
      expect(await rejection(remove.execute(alice, { id: second, idempotencyKey: 'd' }, present))).to.be.instanceOf(
        IdempotencyKeyReusedError,
      );
      expect(await repository.findById(second)).to.not.equal(null);
    });

    it('purges at most maxBatches batches in one run', async () => {
      const clock = new FixedClock();
      const store = new InMemoryIdempotencyStore(repository);
      const requests = new IdempotentRequests(store, new NodeHasher(), clock, DEFAULT_IDEMPOTENCY_POLICY);
      const creating = new CreateOpportunityIdempotently(
        new CreateOpportunity(repository, new SequentialIds(), clock),
        requests,
      );
      for (const key of ['a', 'b', 'c', 'd', 'e']) {
        await creating.execute(alice, { idempotencyKey: key, draft: aDraft({ title: key }) }, present);
      }
      clock.advance(DEFAULT_IDEMPOTENCY_POLICY.retentionMs);
      const purge = new PurgeExpiredIdempotencyKeys(store, clock, 2);
      expect(await purge.execute(2), 'two batches of two').to.equal(4);
      expect(await purge.execute(2), 'the rest').to.equal(1);
    });

    it('refuses a create key reused for a delete', async () => {
      const [first] = await twoOpportunities();
      expect(await rejection(remove.execute(alice, { id: first, idempotencyKey: 'c1' }, present))).to.be.instanceOf(
        IdempotencyKeyReusedError,
      );
    });
  });
});
