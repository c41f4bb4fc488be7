import type { Actor } from '../../domain/actor.js';
import { ConflictError } from '../../domain/domain-errors.js';
import type { Opportunity } from '../../domain/opportunity/opportunity.js';
import type { UpdateOpportunity, UpdateOpportunityCommand } from '../opportunity/update-opportunity.use-case.js';
import type { IdempotentRequests, IdempotentResult, Presenter } from './idempotent-requests.js';

export interface IdempotentUpdateCommand extends UpdateOpportunityCommand {
  readonly idempotencyKey: string;
}

/**
 * Update with an Idempotency-Key. The recorded answer is looked up BEFORE the version check: a
 * retry whose first attempt succeeded carries an If-Match that is stale by now, and must get the
 * original 200 back, not a conflict. Errors (not found, forbidden, stale version) are not recorded.
 */
export class UpdateOpportunityIdempotently {
  constructor(
    private readonly update: UpdateOpportunity,
    private readonly requests: IdempotentRequests,
  ) {}

  async execute(
    actor: Actor,
    command: IdempotentUpdateCommand,
    present: Presenter<Opportunity>,
  ): Promise<IdempotentResult> {
    const { idempotencyKey, ...request } = command;
    const key = { userId: actor.userId, key: idempotencyKey };
    const fingerprint = this.requests.fingerprint({ operation: 'update', ...request });
    const replay = await this.requests.replay(key, fingerprint);
    if (replay) return replay;
    let result: IdempotentResult | undefined;
    await this.update.execute(actor, request, async (opportunity, expectedVersion) => {
      const change = { kind: 'update', opportunity, expectedVersion } as const;
      const outcome = await this.requests.commit(key, fingerprint, change, present(opportunity));
      if ('stale' in outcome) {
        throw new ConflictError(
          `Opportunity ${opportunity.id} was changed or deleted concurrently`,
          'concurrent_update',
        );
      }
      result = outcome;
    });
    return result as IdempotentResult;
  }
}
