import type { Actor } from '../../domain/actor.js';
import { ConflictError, NotFoundError } from '../../domain/domain-errors.js';
import type { Opportunity, OpportunityDraft } from '../../domain/opportunity/opportunity.js';
import type { OpportunityRepository } from '../../domain/opportunity/opportunity-repository.port.js';
import type { Clock } from '../ports/clock.port.js';

export interface UpdateOpportunityCommand {
  readonly id: string;
  readonly draft: OpportunityDraft;
  /** Optimistic concurrency: when given, the update only applies to this version. */
  readonly expectedVersion?: number;
}

/** Stores the revised opportunity if the stored version is still `expectedVersion`. */
export type SaveRevision = (opportunity: Opportunity, expectedVersion: number) => Promise<void>;

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
    if (command.expectedVersion !== undefined && command.expectedVersion !== loadedVersion) {
      throw new ConflictError(
        `Opportunity ${command.id} is at version ${loadedVersion}, not ${command.expectedVersion}`,
        'version_mismatch',
      );
    }
    opportunity.revise(command.draft, this.clock.now());
    await save(opportunity, loadedVersion);
    return opportunity;
  }
}
