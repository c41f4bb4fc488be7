import type { Container, ResolutionContext } from 'inversify';
import { CreateOpportunityIdempotently } from '../application/idempotency/create-opportunity-idempotently.use-case.js';
import { DeleteOpportunityIdempotently } from '../application/idempotency/delete-opportunity-idempotently.use-case.js';
import type { IdempotencyStore } from '../application/idempotency/idempotency-store.port.js';
import {
  DEFAULT_IDEMPOTENCY_POLICY,
  type IdempotencyPolicy,
  IdempotentRequests,
} from '../application/idempotency/idempotent-requests.js';
import { PurgeExpiredIdempotencyKeys } from '../application/idempotency/purge-expired-idempotency-keys.use-case.js';
import { UpdateOpportunityIdempotently } from '../application/idempotency/update-opportunity-idempotently.use-case.js';
import type { Clock } from '../application/ports/clock.port.js';
import type { OpportunityUseCases } from '../adapters/koa/opportunities/opportunity.routes.js';
import { NodeHasher } from '../adapters/system/node-hasher.js';
import { TOKENS } from './di-tokens.js';

export interface IdempotencyAdapters {
  readonly store: IdempotencyStore;
  readonly policy?: Partial<IdempotencyPolicy>;
  readonly purgeBatchSize?: number;
}

/** Binds the Idempotency-Key use cases; they reuse the plain create, update and delete. */
export function bindIdempotency(container: Container, adapters: IdempotencyAdapters): void {
  const policy = { ...DEFAULT_IDEMPOTENCY_POLICY, ...adapters.policy };
  container
    .bind(TOKENS.IdempotentRequests)
    .toResolvedValue(
      (clock: Clock) => new IdempotentRequests(adapters.store, new NodeHasher(), clock, policy),
      [TOKENS.Clock],
    );
  container
    .bind(TOKENS.PurgeExpiredIdempotencyKeys)
    .toResolvedValue(
      (clock: Clock) => new PurgeExpiredIdempotencyKeys(adapters.store, clock, adapters.purgeBatchSize),
      [TOKENS.Clock],
    );
}

/** The idempotent writes for the HTTP adapter. */
export function idempotentUseCases(context: ResolutionContext): OpportunityUseCases['idempotent'] {
  const requests = context.get<IdempotentRequests>(TOKENS.IdempotentRequests);
  return {
    create: new CreateOpportunityIdempotently(context.get(TOKENS.CreateOpportunity), requests),
    update: new UpdateOpportunityIdempotently(context.get(TOKENS.UpdateOpportunity), requests),
    remove: new DeleteOpportunityIdempotently(context.get(TOKENS.DeleteOpportunity), requests),
  };
}
