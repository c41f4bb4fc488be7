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

export class UpdateOpportunity {
  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly clock: Clock,
  ) {}

  async execute(actor: Actor, command: UpdateOpportunityCommand): Promise<Opportunity> {
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
    await this.opportunities.update(opportunity, loadedVersion);
    return opportunity;
  }
}
