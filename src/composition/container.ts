import { Container } from 'inversify';
import type Koa from 'koa';
import { CreateOpportunity } from '../application/opportunity/create-opportunity.use-case.js';
import { DeleteOpportunity } from '../application/opportunity/delete-opportunity.use-case.js';
import { GetOpportunity } from '../application/opportunity/get-opportunity.use-case.js';
import { ListOpportunities } from '../application/opportunity/list-opportunities.use-case.js';
import { ListOpportunitiesNear } from '../application/opportunity/list-opportunities-near.use-case.js';
import { CountOpportunityFacets } from '../application/opportunity/count-opportunity-facets.use-case.js';
import { SearchOpportunities } from '../application/opportunity/search-opportunities.use-case.js';
import { UpdateOpportunity } from '../application/opportunity/update-opportunity.use-case.js';
import type { AccessTokenVerifier } from '../application/ports/access-token-verifier.port.js';
import type { Clock } from '../application/ports/clock.port.js';
import type { HealthCheck } from '../application/ports/health-check.port.js';
import type { IdGenerator } from '../application/ports/id-generator.port.js';
import type { OpportunityRepository } from '../domain/opportunity/opportunity-repository.port.js';
import type { OpportunitySearch } from '../domain/opportunity/search/opportunity-search.port.js';
import { createKoaApp, type KoaAppDependencies } from '../adapters/koa/koa-app.js';
import type { Logger } from '../adapters/logging/logger.port.js';
import { CryptoIdGenerator } from '../adapters/system/crypto-id-generator.js';
import { SystemClock } from '../adapters/system/system-clock.js';
import { TOKENS } from './di-tokens.js';
import { bindIdempotency, type IdempotencyAdapters, idempotentUseCases } from './idempotency-bindings.js';

/** The adapters a running service plugs into the core. Swapping one happens here and only here. */
export interface Adapters {
  readonly opportunities: OpportunityRepository;
  readonly search: OpportunitySearch;
  readonly verifier: AccessTokenVerifier;
  readonly health: HealthCheck;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /** Idempotency-Key records, kept atomic with the writes they describe. */
  readonly idempotency: IdempotencyAdapters;
  /** HTTP-only options: metrics, rate limiting, request scope, limits, proxy and CORS settings. */
  readonly http?: Omit<KoaAppDependencies, 'useCases' | 'verifier' | 'health' | 'logger'>;
}

/**
 * The composition root. The core has no decorators, so every binding is a factory that names its
 * dependencies' tokens explicitly (no reflection, same behaviour under tsx and tsc).
 */
export function buildContainer(adapters: Adapters): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind<OpportunityRepository>(TOKENS.OpportunityRepository).toConstantValue(adapters.opportunities);
  container.bind<AccessTokenVerifier>(TOKENS.AccessTokenVerifier).toConstantValue(adapters.verifier);
  container.bind<HealthCheck>(TOKENS.HealthCheck).toConstantValue(adapters.health);
  container.bind<Logger>(TOKENS.Logger).toConstantValue(adapters.logger);
  container.bind<Clock>(TOKENS.Clock).toConstantValue(adapters.clock ?? new SystemClock());
  container.bind<IdGenerator>(TOKENS.IdGenerator).toConstantValue(adapters.ids ?? new CryptoIdGenerator());

  const repo = [TOKENS.OpportunityRepository] as const;
  container
    .bind(TOKENS.CreateOpportunity)
    .toResolvedValue(
      (r: OpportunityRepository, ids: IdGenerator, clock: Clock) => new CreateOpportunity(r, ids, clock),
      [TOKENS.OpportunityRepository, TOKENS.IdGenerator, TOKENS.Clock],
    );
  container.bind(TOKENS.GetOpportunity).toResolvedValue((r: OpportunityRepository) => new GetOpportunity(r), [...repo]);
  container
    .bind(TOKENS.UpdateOpportunity)
    .toResolvedValue(
      (r: OpportunityRepository, clock: Clock) => new UpdateOpportunity(r, clock),
      [TOKENS.OpportunityRepository, TOKENS.Clock],
    );
  container
    .bind(TOKENS.DeleteOpportunity)
    .toResolvedValue((r: OpportunityRepository) => new DeleteOpportunity(r), [...repo]);
  container
    .bind(TOKENS.ListOpportunities)
    .toResolvedValue((r: OpportunityRepository) => new ListOpportunities(r), [...repo]);
  container
    .bind(TOKENS.ListOpportunitiesNear)
    .toResolvedValue((r: OpportunityRepository) => new ListOpportunitiesNear(r), [...repo]);
  container
    .bind(TOKENS.CountOpportunityFacets)
    .toResolvedValue((r: OpportunityRepository) => new CountOpportunityFacets(r), [...repo]);
  container.bind<OpportunitySearch>(TOKENS.OpportunitySearch).toConstantValue(adapters.search);
  container
    .bind(TOKENS.SearchOpportunities)
    .toResolvedValue((index: OpportunitySearch) => new SearchOpportunities(index), [TOKENS.OpportunitySearch]);

  bindIdempotency(container, adapters.idempotency);

  container.bind<Koa>(TOKENS.HttpApp).toDynamicValue((context) =>
    createKoaApp({
      useCases: {
        create: context.get(TOKENS.CreateOpportunity),
        get: context.get(TOKENS.GetOpportunity),
        update: context.get(TOKENS.UpdateOpportunity),
        remove: context.get(TOKENS.DeleteOpportunity),
        list: context.get(TOKENS.ListOpportunities),
        listNear: context.get(TOKENS.ListOpportunitiesNear),
        countFacets: context.get(TOKENS.CountOpportunityFacets),
        search: context.get(TOKENS.SearchOpportunities),
        idempotent: idempotentUseCases(context),
      },
      verifier: context.get(TOKENS.AccessTokenVerifier),
      health: context.get(TOKENS.HealthCheck),
      logger: context.get(TOKENS.Logger),
      ...adapters.http,
    }),
  );
  return container;
}
