import type { Actor } from '../../domain/actor.js';
import { NotFoundError, PreconditionFailedError } from '../../domain/domain-errors.js';
import type { OpportunityRepository } from '../../domain/opportunity/opportunity-repository.port.js';
import { assertVersionPrecondition, namesVersions, type VersionPrecondition } from './version-precondition.js';

/**
 * Deletes `id`, only at `expectedVersion` when given; false when nothing was deleted (the row was
 * at another version, or already gone).
 */
export type RemoveRow = (id: string, expectedVersion: number | undefined) => Promise<boolean>;

export class DeleteOpportunity {
  constructor(private readonly opportunities: OpportunityRepository) {}

  /**
   * `remove` lets a caller delete together with something else (an idempotency record). When the
   * client named versions, the delete is conditional on the version that was checked, so a
   * revision committed in between is never deleted unseen: the client gets 412 instead.
   */
  async execute(
    actor: Actor,
    id: string,
    ifMatch?: VersionPrecondition,
    remove: RemoveRow = (row, expectedVersion) => this.opportunities.remove(row, expectedVersion),
  ): Promise<void> {
    const opportunity = await this.opportunities.findById(id);
    if (!opportunity) throw new NotFoundError('Opportunity', id);
    opportunity.assertModifiableBy(actor);
    assertVersionPrecondition(ifMatch, id, opportunity.version);
    // Without named versions a concurrent revision does not matter to the caller (nor does `*`).
    if (await remove(id, namesVersions(ifMatch) ? opportunity.version : undefined)) return;
    const current = await this.opportunities.findById(id);
    if (current) throw new PreconditionFailedError('Opportunity', id, current.version);
    // Gone meanwhile (a concurrent delete won): the outcome the caller asked for holds, so it is
    // confirmed unconditionally, which lets a caller record it.
    await remove(id, undefined);
  }
}
