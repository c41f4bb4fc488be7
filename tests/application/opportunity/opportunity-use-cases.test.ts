import { expect } from 'chai';
import { InMemoryOpportunityRepository } from '../../../src/adapters/in-memory/in-memory-opportunity-repository.js';
import { CreateOpportunity } from '../../../src/application/opportunity/create-opportunity.use-case.js';
import { DeleteOpportunity } from '../../../src/application/opportunity/delete-opportunity.use-case.js';
import { GetOpportunity } from '../../../src/application/opportunity/get-opportunity.use-case.js';
import { UpdateOpportunity } from '../../../src/application/opportunity/update-opportunity.use-case.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  ValidationError,
} from '../../../src/domain/domain-errors.js';
import { admin, aDraft, alice, bob, FixedClock, SequentialIds } from '../../support/builders.js';
import { RacingRepository } from '../../support/racing-repository.js';
import { rejection } from '../../support/rejection.js';

describe('Opportunity use cases (in-memory adapters)', () => {
  let repository: InMemoryOpportunityRepository;
  let clock: FixedClock;
  let create: CreateOpportunity;
  let get: GetOpportunity;
  let update: UpdateOpportunity;
  let remove: DeleteOpportunity;

  beforeEach(() => {
    repository = new InMemoryOpportunityRepository();
    clock = new FixedClock();
    create = new CreateOpportunity(repository, new SequentialIds(), clock);
    get = new GetOpportunity(repository);
    update = new UpdateOpportunity(repository, clock);
    remove = new DeleteOpportunity(repository);
  });

  it('creates an opportunity owned by the actor and stores it', async () => {
    const created = await create.execute(alice, aDraft());
    expect(created.createdBy).to.equal('alice');
    expect(created.createdAt).to.deep.equal(clock.now());
    expect((await get.execute(created.id)).toSnapshot()).to.deep.equal(created.toSnapshot());
  });

  it('stores nothing when the draft is invalid', async () => {
    expect(await rejection(create.execute(alice, aDraft({ title: '' })))).to.be.instanceOf(ValidationError);
    expect((await repository.list({}, { limit: 10 })).items).to.have.length(0);
  });

  it('raises NotFound for an unknown id on get, update and delete', async () => {
    const id = '00000000-0000-4000-8000-0000000000aa';
    for (const attempt of [
      get.execute(id),
      update.execute(alice, { id, draft: aDraft() }),
      remove.execute(alice, id),
    ]) {
      const error = await rejection(attempt);
      expect(error).to.be.instanceOf(NotFoundError);
      expect((error as NotFoundError).message).to.equal(`Opportunity ${id} was not found`);
    }
  });

  it('lets the creator update, bumping version and updatedAt', async () => {
    const created = await create.execute(alice, aDraft());
    clock.advance(60_000);
    const updated = await update.execute(alice, { id: created.id, draft: aDraft({ title: 'Renamed' }) });
    expect(updated.version).to.equal(2);
    expect(updated.updatedAt).to.deep.equal(clock.now());
    expect((await get.execute(created.id)).title).to.equal('Renamed');
  });

  it('forbids other users and lets an admin act on anything', async () => {
    const created = await create.execute(alice, aDraft());
    expect(
      await rejection(update.execute(bob, { id: created.id, draft: aDraft({ title: 'Hijack' }) })),
    ).to.be.instanceOf(ForbiddenError);
    expect(await rejection(remove.execute(bob, created.id))).to.be.instanceOf(ForbiddenError);
    expect((await get.execute(created.id)).title).to.equal(aDraft().title);

    const byAdmin = await update.execute(admin, { id: created.id, draft: aDraft({ title: 'Moderated' }) });
    expect(byAdmin.createdBy).to.equal('alice');
    await remove.execute(admin, created.id);
    expect(await repository.findById(created.id)).to.equal(null);
  });

  it('deletes only at a version the If-Match names, and keeps the row otherwise', async () => {
    const created = await create.execute(alice, aDraft());
    const error = await rejection(remove.execute(alice, created.id, [7]));
    expect(error).to.be.instanceOf(PreconditionFailedError);
    expect((error as PreconditionFailedError).message).to.contain(`Opportunity ${created.id} is at version 1`);
    expect((await get.execute(created.id)).version, 'the refused delete kept the row').to.equal(1);
    await remove.execute(alice, created.id, [1]);
    expect(await repository.findById(created.id)).to.equal(null);
    const other = await create.execute(alice, aDraft());
    await remove.execute(alice, other.id, 'any');
    expect(await repository.findById(other.id)).to.equal(null);
  });

  it('applies a conditional update only at the expected version', async () => {
    const created = await create.execute(alice, aDraft());
    const error = await rejection(update.execute(alice, { id: created.id, draft: aDraft(), ifMatch: [7] }));
    expect(error).to.be.instanceOf(PreconditionFailedError);
    expect((error as PreconditionFailedError).currentVersion).to.equal(1);
    expect((await get.execute(created.id)).version, 'the refused update changed nothing').to.equal(1);
    const weakOnly = await rejection(update.execute(alice, { id: created.id, draft: aDraft(), ifMatch: [] }));
    expect(weakOnly).to.be.instanceOf(PreconditionFailedError);
    const updated = await update.execute(alice, { id: created.id, draft: aDraft(), ifMatch: [3, 1] });
    expect(updated.version).to.equal(2);
    expect((await update.execute(alice, { id: created.id, draft: aDraft(), ifMatch: 'any' })).version).to.equal(3);
  });

  describe('when another writer wins between the read and the write', () => {
    let racing: RacingRepository;
    beforeEach(() => {
      racing = new RacingRepository();
    });

    it('refuses an unconditional update with concurrent_update instead of losing the rival write', async () => {
      const created = await new CreateOpportunity(racing, new SequentialIds(), new FixedClock()).execute(
        alice,
        aDraft(),
      );
      racing.race = true;
      const error = await rejection(
        new UpdateOpportunity(racing, new FixedClock()).execute(alice, { id: created.id, draft: aDraft() }),
      );
      expect(error).to.be.instanceOf(ConflictError);
      expect((error as ConflictError).code).to.equal('concurrent_update');
      expect((await racing.findById(created.id))?.title).to.equal('Rival');
    });

    it('answers a conditional update or delete with the current version', async () => {
      const created = await new CreateOpportunity(racing, new SequentialIds(), new FixedClock()).execute(
        alice,
        aDraft(),
      );
      racing.race = true;
      const error = await rejection(
        new UpdateOpportunity(racing, new FixedClock()).execute(alice, {
          id: created.id,
          draft: aDraft(),
          ifMatch: [1],
        }),
      );
      expect((error as PreconditionFailedError).currentVersion).to.equal(2);
      racing.race = true;
      const deleteError = await rejection(new DeleteOpportunity(racing).execute(alice, created.id, [2]));
      expect((deleteError as PreconditionFailedError).currentVersion).to.equal(3);
      expect(await racing.findById(created.id)).to.not.equal(null);
    });

    it('confirms a conditional delete whose row another delete removed meanwhile', async () => {
      const created = await create.execute(alice, aDraft());
      const asked: (number | undefined)[] = [];
      await remove.execute(alice, created.id, [1], async (id, expectedVersion) => {
        asked.push(expectedVersion);
        // The first, conditional attempt loses to a rival delete; the confirmation succeeds.
        if (asked.length === 1) return !(await repository.remove(id));
        return true;
      });
      expect(asked).to.deep.equal([1, undefined]);
      expect(await repository.findById(created.id)).to.equal(null);
    });

    it('deletes unconditionally when If-Match names no version', async () => {
      const created = await create.execute(alice, aDraft());
      const asked: (number | undefined)[] = [];
      for (const ifMatch of [undefined, 'any'] as const) {
        await remove.execute(alice, created.id, ifMatch, async (_id, expectedVersion) => {
          asked.push(expectedVersion);
          return true;
        });
      }
      expect(asked).to.deep.equal([undefined, undefined]);
    });
  });
});
