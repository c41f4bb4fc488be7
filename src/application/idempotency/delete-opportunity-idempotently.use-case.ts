import type { Actor } from '../../domain/actor.js';
import type { DeleteOpportunity } from '../opportunity/delete-opportunity.use-case.js';
import type { VersionPrecondition } from '../opportunity/version-precondition.js';
import type { IdempotentRequests, IdempotentResult, Presenter } from './idempotent-requests.js';

/**
 * Delete with an Idempotency-Key: a retry after a lost 204 gets the 204 again instead of a 404.
 * The recorded answer is looked up first, because the row the first attempt deleted is gone.
 */
export class DeleteOpportunityIdempotently {
  constructor(
    private readonly remove: DeleteOpportunity,
    private readonly requests: IdempotentRequests,
  ) {}

  async execute(
    actor: Actor,
    command: { id: string; idempotencyKey: string; ifMatch?: VersionPrecondition },
    present: Presenter<string>,
  ) {
    const key = { userId: actor.userId, key: command.idempotencyKey };
    const fingerprint = this.requests.fingerprint({ operation: 'delete', id: command.id });
    const replay = await this.requests.replay(key, fingerprint);
    if (replay) return replay;
    let result: IdempotentResult | undefined;
    await this.remove.execute(actor, command.id, command.ifMatch, async (id) => {
      // A delete is never stale: if a concurrent request removed the row, the outcome still holds.
      const outcome = await this.requests.commit(key, fingerprint, { kind: 'delete', id }, present(id));
      if ('stale' in outcome) throw new Error('a delete cannot be stale');
      result = outcome;
    });
    return result as IdempotentResult;
  }
}
