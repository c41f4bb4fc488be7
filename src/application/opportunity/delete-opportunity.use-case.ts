import type { Actor } from '../../domain/actor.js';
import { NotFoundError } from '../../domain/domain-errors.js';
import type { OpportunityRepository } from '../../domain/opportunity/opportunity-repository.port.js';

export class DeleteOpportunity {
  constructor(private readonly opportunities: OpportunityRepository) {}

  /** `remove` lets a caller delete together with something else (an idempotency record). */
  async execute(
    actor: Actor,
    id: string,
    remove: (id: string) => Promise<unknown> = (target) => this.opportunities.remove(target),
  ): Promise<void> {
    const opportunity = await this.opportunities.findById(id);
    if (!opportunity) throw new NotFoundError('Opportunity', id);
    opportunity.assertModifiableBy(actor);
    // A concurrent delete may win the race; the outcome the caller asked for holds either way.
    await remove(id);
  }
}
