import type { Actor } from '../../domain/actor.js';
import type { Opportunity, OpportunityDraft } from '../../domain/opportunity/opportunity.js';
import type { CreateOpportunity } from '../opportunity/create-opportunity.use-case.js';
import type { IdempotentRequests, IdempotentResult, Presenter } from './idempotent-requests.js';

export interface IdempotentCreateCommand {
  readonly idempotencyKey: string;
  readonly draft: OpportunityDraft;
}

/**
 * Create with an Idempotency-Key: the first request creates the opportunity and records its
 * answer in the same transaction; a retry with the same key and body gets that answer again and
 * creates nothing. The draft is validated before anything is recorded, so a client can fix an
 * invalid body and retry with the same key.
 */
export class CreateOpportunityIdempotently {
  constructor(
    private readonly create: CreateOpportunity,
    private readonly requests: IdempotentRequests,
  ) {}

  async execute(
    actor: Actor,
    command: IdempotentCreateCommand,
    present: Presenter<Opportunity>,
  ): Promise<IdempotentResult> {
    const key = { userId: actor.userId, key: command.idempotencyKey };
    const fingerprint = this.requests.fingerprint({ operation: 'create', draft: command.draft });
    let result: IdempotentResult | undefined;
    await this.create.execute(actor, command.draft, async (opportunity) => {
      const outcome = await this.requests.commit(
        key,
        fingerprint,
        { kind: 'insert', opportunity },
        present(opportunity),
      );
      if ('stale' in outcome) throw new Error('an insert cannot be stale');
      result = outcome;
    });
    return result as IdempotentResult;
  }
}
