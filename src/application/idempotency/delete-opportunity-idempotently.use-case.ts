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
    // If-Match is part of the request: the same key with another condition is another request.
    const fingerprint = this.requests.fingerprint({ operation: 'delete', id: command.id, ifMatch: command.ifMatch });
    const replay = await this.requests.replay(key, fingerprint);
    if (replay) return replay;
    let result: IdempotentResult | undefined;
    await this.remove.execute(actor, command.id, command.ifMatch, async (id, expectedVersion) => {
      const change = { kind: 'delete', id, expectedVersion } as const;
      const outcome = await this.requests.commit(key, fingerprint, change, present(id));
      // Stale: the row is at another version; nothing was deleted or recorded, and the use case answers 412.
      if ('stale' in outcome) return false;
      result = outcome;
      return true;
    });
    return result as IdempotentResult;
  }
}
