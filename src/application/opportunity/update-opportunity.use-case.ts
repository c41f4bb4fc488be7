import type { Actor } from '../../domain/actor.js';
import { ConflictError, NotFoundError, PreconditionFailedError } from '../../domain/domain-errors.js';
import type { Opportunity, OpportunityDraft } from '../../domain/opportunity/opportunity.js';
import type { OpportunityRepository } from '../../domain/opportunity/opportunity-repository.port.js';
import type { Clock } from '../ports/clock.port.js';
import { assertVersionPrecondition, namesVersions, type VersionPrecondition } from './version-precondition.js';

export interface UpdateOpportunityCommand {
  readonly id: string;
  readonly draft: OpportunityDraft;
  /** Optimistic concurrency (If-Match): when given, the update only applies to a matching version. */
  readonly ifMatch?: VersionPrecondition;
}

/** Stores the revised opportunity if the stored version is still `expectedVersion`. */
export type SaveRevision = (opportunity: Opportunity, expectedVersion: number) => Promise<void>;

/**
 * Replaces the editable fields. The write is conditional on the version that was read, so two
 * racing updates never both succeed on the same version (no lost update): the loser gets a
 * PreconditionFailedError when it named a version, a ConflictError (`concurrent_update`) otherwise.
 */
export class UpdateOpportunity {
  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly clock: Clock,
  ) {}

  /** `save` lets a caller store the revision together with something else (an idempotency record). */
  async execute(
    actor: Actor,
    command: UpdateOpportunityCommand,
    save: SaveRevision = (revised, expected) => this.opportunities.update(revised, expected),
  ): Promise<Opportunity> {
    const opportunity = await this.opportunities.findById(command.id);
    if (!opportunity) throw new NotFoundError('Opportunity', command.id);
    opportunity.assertModifiableBy(actor);
    const loadedVersion = opportunity.version;
    assertVersionPrecondition(command.ifMatch, command.id, loadedVersion);
    opportunity.revise(command.draft, this.clock.now());
    try {
      await save(opportunity, loadedVersion);
    } catch (error) {
      if (!(error instanceof ConflictError) || !namesVersions(command.ifMatch)) throw error;
      // The version the client named was current when read but not when written.
      const current = await this.opportunities.findById(command.id);
      if (!current) throw new NotFoundError('Opportunity', command.id);
      throw new PreconditionFailedError('Opportunity', command.id, current.version);
    }
    return opportunity;
  }
}
