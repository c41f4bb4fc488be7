import type { Actor } from '../../domain/actor.js';
import { Opportunity, type OpportunityDraft } from '../../domain/opportunity/opportunity.js';
import type { OpportunityRepository } from '../../domain/opportunity/opportunity-repository.port.js';
import type { Clock } from '../ports/clock.port.js';
import type { IdGenerator } from '../ports/id-generator.port.js';

export class CreateOpportunity {
  constructor(
    private readonly opportunities: OpportunityRepository,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
  ) {}

  /** The creator is always the actor: a request body can never choose `createdBy`. */
  /** `add` lets a caller store the new opportunity together with something else (an idempotency record). */
  async execute(
    actor: Actor,
    draft: OpportunityDraft,
    add: (opportunity: Opportunity) => Promise<void> = (created) => this.opportunities.add(created),
  ): Promise<Opportunity> {
    const opportunity = Opportunity.create(draft, {
      id: this.ids.next(),
      createdBy: actor.userId,
      now: this.clock.now(),
    });
    await add(opportunity);
    return opportunity;
  }
}
