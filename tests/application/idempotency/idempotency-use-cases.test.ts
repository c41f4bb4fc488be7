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
import { PreconditionFailedError, ValidationError } from '../../../src/domain/domain-errors.js';
import type { Opportunity } from '../../../src/domain/opportunity/opportunity.js';
import { aDraft, alice, bob, FixedClock, SequentialIds } from '../../support/builders.js';
import { RacingRepository } from '../../support/racing-repository.js';
import { rejection } from '../../support/rejection.js';

const present = (status: number) => (o: Opportunity) => ({
  status,
  headers: { ETag: `"${o.version}"` },
  body: JSON.stringify({ id: o.id, title: o.title, version: o.version }),
});
const noContent = () => ({ status: 204, headers: {}, body: '' });

describe('Idempotency-Key use cases (in-memory adapters)', () => {
  let repository: InMemoryOpportunityRepository;
  let store: InMemoryIdempotencyStore;
  let clock: FixedClock;
  let create: CreateOpportunityIdempotently;
  let update: UpdateOpportunityIdempotently;
  let remove: DeleteOpportunityIdempotently;
  let purge: PurgeExpiredIdempotencyKeys;
  const count = async () => (await repository.list({}, { limit: 100 })).items.length;

  beforeEach(() => {
    repository = new InMemoryOpportunityRepository();
    store = new InMemoryIdempotencyStore(repository);
    clock = new FixedClock();
    const requests = new IdempotentRequests(store, new NodeHasher(), clock, DEFAULT_IDEMPOTENCY_POLICY);
    create = new CreateOpportunityIdempotently(new CreateOpportunity(repository, new SequentialIds(), clock), requests);
    update = new UpdateOpportunityIdempotently(new UpdateOpportunity(repository, clock), requests);
    remove = new DeleteOpportunityIdempotently(new DeleteOpportunity(repository), requests);
    purge = new PurgeExpiredIdempotencyKeys(store, clock, 2);
  });

  it('creates once; a retry with the same key and body replays the first answer', async () => {
    const first = await create.execute(alice, { idempotencyKey: 'k1', draft: aDraft() }, present(201));
    expect(first.replayed).to.equal(false);
    const retry = await create.execute(alice, { idempotencyKey: 'k1', draft: aDraft() }, present(201));
    expect(retry).to.deep.equal({ response: first.response, replayed: true });
    expect(await count()).to.equal(1);
  });

  it('compares the decoded body, not its key order', async () => {
    await create.execute(alice, { idempotencyKey: 'k1', draft: aDraft() }, present(201));
    const reordered = Object.fromEntries(Object.entries(aDraft()).reverse()) as ReturnType<typeof aDraft>;
    const retry = await create.execute(alice, { idempotencyKey: 'k1', draft: reordered }, present(201));
    expect(retry.replayed).to.equal(true);
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).to.equal('{"a":[{"d":2}],"b":1}');
  });

  it('refuses the same key with a different body, creating nothing', async () => {
    await create.execute(alice, { idempotencyKey: 'k1', draft: aDraft() }, present(201));
    const error = await rejection(
      create.execute(alice, { idempotencyKey: 'k1', draft: aDraft({ title: 'Other' }) }, present(201)),
    );
    expect(error).to.be.instanceOf(IdempotencyKeyReusedError);
    expect(await count()).to.equal(1);
  });

  it("never lets one user's key touch another's", async () => {
    const mine = await create.execute(alice, { idempotencyKey: 'k1', draft: aDraft() }, present(201));
    const theirs = await create.execute(bob, { idempotencyKey: 'k1', draft: aDraft() }, present(201));
    expect(theirs.replayed).to.equal(false);
    expect(theirs.response.body).to.not.equal(mine.response.body);
    expect(await count()).to.equal(2);
  });

  it('records nothing for an invalid draft, so the client can fix it and reuse the key', async () => {
    const invalid = create.execute(alice, { idempotencyKey: 'k1', draft: aDraft({ title: ' ' }) }, present(201));
    expect(await rejection(invalid)).to.be.instanceOf(ValidationError);
    const fixed = await create.execute(alice, { idempotencyKey: 'k1', draft: aDraft() }, present(201));
    expect(fixed.replayed).to.equal(false);
  });

  it('answers in flight while another request holds the key, and creates nothing', async () => {
    const release = store.holdInFlight({ userId: 'alice', key: 'k1' });
    const error = await rejection(create.execute(alice, { idempotencyKey: 'k1', draft: aDraft() }, present(201)));
    release();
    expect(error).to.be.instanceOf(IdempotencyKeyInFlightError);
    expect((error as IdempotencyKeyInFlightError).retryAfterSeconds).to.equal(1);
    expect(await count()).to.equal(0);
  });

  it('creates anew once the key has expired', async () => {
    await create.execute(alice, { idempotencyKey: 'k1', draft: aDraft() }, present(201));
    clock.advance(DEFAULT_IDEMPOTENCY_POLICY.retentionMs);
    const later = await create.execute(alice, { idempotencyKey: 'k1', draft: aDraft() }, present(201));
    expect(later.replayed).to.equal(false);
    expect(await count()).to.equal(2);
  });

  it('replays an update whose If-Match is stale because the first attempt succeeded', async () => {
    const created = await repository.findById(
      JSON.parse((await create.execute(alice, { idempotencyKey: 'c', draft: aDraft() }, present(201))).response.body)
        .id as string,
    );
    const command = { id: created?.id as string, draft: aDraft({ title: 'New' }), ifMatch: [1] };
    const first = await update.execute(alice, { ...command, idempotencyKey: 'u' }, present(200));
    const retry = await update.execute(alice, { ...command, idempotencyKey: 'u' }, present(200));
    expect(retry).to.deep.equal({ response: first.response, replayed: true });
    expect((await repository.findById(command.id))?.version).to.equal(2);
    // Under a new key the same request is a plain stale update.
    expect(await rejection(update.execute(alice, { ...command, idempotencyKey: 'u2' }, present(200)))).to.be.instanceOf(
      PreconditionFailedError,
    );
  });

  it('replays a delete instead of answering not found', async () => {
    const { body } = (await create.execute(alice, { idempotencyKey: 'c', draft: aDraft() }, present(201))).response;
    const id = (JSON.parse(body) as { id: string }).id;
    expect((await remove.execute(alice, { id, idempotencyKey: 'd' }, noContent)).replayed).to.equal(false);
    expect(await remove.execute(alice, { id, idempotencyKey: 'd' }, noContent)).to.deep.equal({
      response: noContent(),
      replayed: true,
    });
    expect(await repository.findById(id)).to.equal(null);
  });

  it('never deletes a revision that lands between the If-Match check and the delete', async () => {
    const racing = new RacingRepository();
    const requests = new IdempotentRequests(
      new InMemoryIdempotencyStore(racing),
      new NodeHasher(),
      clock,
      DEFAULT_IDEMPOTENCY_POLICY,
    );
    const racingRemove = new DeleteOpportunityIdempotently(new DeleteOpportunity(racing), requests);
    const created = await new CreateOpportunity(racing, new SequentialIds(), clock).execute(alice, aDraft());
    racing.race = true;
    const command = { id: created.id, idempotencyKey: 'd', ifMatch: [1] };
    const error = await rejection(racingRemove.execute(alice, command, noContent));
    expect(error).to.be.instanceOf(PreconditionFailedError);
    expect((error as PreconditionFailedError).currentVersion).to.equal(2);
    expect((error as PreconditionFailedError).message).to.contain(`Opportunity ${created.id} is at version 2`);
    expect((await racing.findById(created.id))?.title, 'the rival revision is kept').to.equal('Rival');
    // Nothing was recorded: the same key with the current version deletes.
    const current = await racingRemove.execute(alice, { ...command, ifMatch: [2] }, noContent);
    expect(current.replayed).to.equal(false);
    expect(await racing.findById(created.id)).to.equal(null);
  });

  it('fingerprints a delete with its If-Match: the same key with another condition is refused', async () => {
    const { body } = (await create.execute(alice, { idempotencyKey: 'c', draft: aDraft() }, present(201))).response;
    const id = (JSON.parse(body) as { id: string }).id;
    await remove.execute(alice, { id, idempotencyKey: 'd', ifMatch: [1] }, noContent);
    const other = await rejection(remove.execute(alice, { id, idempotencyKey: 'd', ifMatch: 'any' }, noContent));
    expect(other).to.be.instanceOf(IdempotencyKeyReusedError);
  });

  it('purges only expired keys, batch after batch', async () => {
    for (const key of ['a', 'b', 'c', 'd', 'e']) {
      await create.execute(alice, { idempotencyKey: key, draft: aDraft({ title: key }) }, present(201));
    }
    expect(await purge.execute()).to.equal(0);
    clock.advance(DEFAULT_IDEMPOTENCY_POLICY.retentionMs);
    expect(await purge.execute()).to.equal(5);
    expect(await purge.execute()).to.equal(0);
  });

  it('accepts 1 to 255 printable ASCII characters as a key', () => {
    expect(checkIdempotencyKey('a').ok).to.equal(true);
    expect(checkIdempotencyKey('x'.repeat(255)).ok).to.equal(true);
    expect(checkIdempotencyKey(' ~!').ok).to.equal(true);
    for (const bad of ['', 'x'.repeat(256), 'tab\there', 'é', 'a\u0000']) {
      expect(checkIdempotencyKey(bad).ok, JSON.stringify(bad)).to.equal(false);
    }
  });
});
