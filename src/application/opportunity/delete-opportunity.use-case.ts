import type { Actor } from '../../domain/actor.js';
import { NotFoundError, PreconditionFailedError } from '../../domain/domain-errors.js';
import type { OpportunityRepository } from '../../domain/opportunity/opportunity-repository.port.js';
import { assertVersionPrecondition, namesVersions, type VersionPrecondition } from './version-precondition.js';

export class DeleteOpportunity {
  constructor(private readonly opportunities: OpportunityRepository) {}

  /**
   * `remove` lets a caller delete together with something else (an idempotency record); it is
   * called after the If-Match check, and is not itself conditional on the version.
   */
  async execute(
    actor: Actor,
    id: string,
    ifMatch?: VersionPrecondition,
    remove?: (id: string) => Promise<unknown>,
  ): Promise<void> {
    const opportunity = await this.opportunities.findById(id);
    if (!opportunity) throw new NotFoundError('Opportunity', id);
    opportunity.assertModifiableBy(actor);
    assertVersionPrecondition(ifMatch, id, opportunity.version);
    if (remove) {
      await remove(id);
      return;
    }
    if (!namesVersions(ifMatch)) {
      // A concurrent delete may win the race; the outcome the caller asked for holds either way.
      await this.opportunities.remove(id);
      return;
    }
    // Conditional: only the version that was checked may be deleted, not one revised meanwhile.
    if (await this.opportunities.remove(id, opportunity.version)) return;
    const current = await this.opportunities.findById(id);
    if (current) throw new PreconditionFailedError('Opportunity', id, current.version);
  }
}
