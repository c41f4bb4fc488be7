import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import type * as t from 'io-ts';
import type { CreateOpportunityIdempotently } from '../../../application/idempotency/create-opportunity-idempotently.use-case.js';
import type { DeleteOpportunityIdempotently } from '../../../application/idempotency/delete-opportunity-idempotently.use-case.js';
import type { UpdateOpportunityIdempotently } from '../../../application/idempotency/update-opportunity-idempotently.use-case.js';
import type { CreateOpportunity } from '../../../application/opportunity/create-opportunity.use-case.js';
import type { DeleteOpportunity } from '../../../application/opportunity/delete-opportunity.use-case.js';
import type { GetOpportunity } from '../../../application/opportunity/get-opportunity.use-case.js';
import type { ListOpportunities } from '../../../application/opportunity/list-opportunities.use-case.js';
import type { ListOpportunitiesNear } from '../../../application/opportunity/list-opportunities-near.use-case.js';
import type { CountOpportunityFacets } from '../../../application/opportunity/count-opportunity-facets.use-case.js';
import type { PageQuery } from '../../../application/opportunity/pagination.js';
import type { SearchOpportunities } from '../../../application/opportunity/search-opportunities.use-case.js';
import type { UpdateOpportunity } from '../../../application/opportunity/update-opportunity.use-case.js';
import type { Opportunity } from '../../../domain/opportunity/opportunity.js';
import type { OpportunityFilters } from '../../../domain/opportunity/opportunity-repository.port.js';
import { requireActor } from '../middleware/authentication.middleware.js';
import { type CursorKey, decodeCursor } from './cursor-codec.js';
import { NEARBY_RADIUS_KM, type NearbyOrder, type NearQuery } from '../../../domain/opportunity/nearby.js';
import { idempotencyKeyOf, idempotently, jsonResponse, noContent, sendResult } from './idempotency.http.js';
import { decodeAll } from '../io-ts-support.js';
import {
  CategoryParam,
  IdParam,
  ListQuery,
  OpportunityBody,
  SearchQuery,
  SUGGESTIONS,
  SuggestQuery,
} from './opportunity-codecs.js';
import { presentFacets, presentNearby, presentOpportunity, presentPage } from './opportunity-presenter.js';
import { answerNotModifiedWhenFresh, ifMatchOf } from './conditional-requests.js';
import { etagOf as etag, HttpProblem, validationProblem } from '../problem.js';
import { presentSearchPage, presentSuggestions } from './search-presenter.js';

export interface OpportunityUseCases {
  readonly create: CreateOpportunity;
  readonly get: GetOpportunity;
  readonly update: UpdateOpportunity;
  readonly remove: DeleteOpportunity;
  readonly list: ListOpportunities;
  readonly listNear: ListOpportunitiesNear;
  readonly countFacets: CountOpportunityFacets;
  readonly search: SearchOpportunities;
  /** The writes with an Idempotency-Key. */
  readonly idempotent: {
    readonly create: CreateOpportunityIdempotently;
    readonly update: UpdateOpportunityIdempotently;
    readonly remove: DeleteOpportunityIdempotently;
  };
}

export interface OpportunityRouteOptions {
  readonly bodyLimitBytes: number;
  /** POST without an Idempotency-Key is a 400 (REQUIRE_IDEMPOTENCY_KEY). */
  readonly requireIdempotencyKey?: boolean;
  /** REQUIRE_IF_MATCH: PUT and DELETE without If-Match get 428 instead of overwriting blindly. */
  readonly requireIfMatch?: boolean;
  /** PUBLIC_URL: base of absolute page links; links are relative without it. */
  readonly publicUrl?: string;
}

export const OPPORTUNITIES_PATH = '/api/v1/opportunities';

/** Decodes or throws a 400 listing every invalid field; `field` names a scalar input such as a path parameter. */
function decode<A>(codec: t.Type<A, unknown, unknown>, input: unknown, field?: string): A {
  const result = decodeAll(codec, input, field);
  if (result.ok) return result.value;
  throw validationProblem(result.issues);
}

function pageOf(query: Pick<ListQuery, 'limit' | 'cursor'>, key: CursorKey): PageQuery {
  return {
    ...(query.limit === undefined ? {} : { limit: query.limit }),
    ...(query.cursor === undefined ? {} : { cursor: decodeCursor(query.cursor, key) }),
  };
}

/** `near` with its radius and order, or undefined; `radiusKm` and `sort=distance` mean nothing without it. */
function nearOf(
  query: Pick<ListQuery, 'near' | 'radiusKm' | 'sort'>,
): { near: NearQuery; order: NearbyOrder } | undefined {
  if (query.near === undefined) {
    const orphans = [
      ...(query.radiusKm === undefined ? [] : [{ field: 'radiusKm', message: 'needs near' }]),
      ...(query.sort === 'distance' ? [{ field: 'sort', message: 'distance needs near' }] : []),
    ];
    if (orphans.length > 0) throw validationProblem(orphans);
    return undefined;
  }
  return {
    near: { point: query.near, radiusKm: query.radiusKm ?? NEARBY_RADIUS_KM.default },
    order: query.sort ?? 'newest',
  };
}

function filtersOf(query: Omit<ListQuery, 'limit'>): OpportunityFilters {
  const { category, status, createdBy, location, tag } = query;
  return {
    ...(category === undefined ? {} : { category }),
    ...(status === undefined ? {} : { status }),
    ...(createdBy === undefined ? {} : { createdBy }),
    ...(location === undefined ? {} : { location }),
    ...(tag === undefined ? {} : { tag }),
  };
}

/** The text as typed once validated: a trailing space tells that the last word is complete. */
function typedText(ctx: Context, validated: string): string {
  return typeof ctx.query.q === 'string' ? ctx.query.q : validated;
}

/** Write endpoints need a token before anything else is looked at (no body parsing for strangers). */
const authenticated: Middleware = async (ctx, next) => {
  requireActor(ctx);
  await next();
};

/** The body parser's `next`, shared: no closure per request. */
const nothingNext = async (): Promise<void> => undefined;

/** Write endpoints only take JSON; anything else is a 415 rather than a confusing 400. */
function jsonBody(limitBytes: number): Middleware {
  const parse = bodyParser({ enableTypes: ['json'], jsonLimit: limitBytes });
  return async (ctx, next) => {
    if (!ctx.is('application/json')) {
      throw new HttpProblem({
        status: 415,
        code: 'unsupported_media_type',
        title: 'Unsupported media type',
        detail: 'Send the request body as application/json',
      });
    }
    // The parser runs on its own (with a no-op `next`) so that only its failures are translated.
    try {
      await parse(ctx, nothingNext);
    } catch (error) {
      if (isDecompressionError(error)) {
        throw new HttpProblem({
          status: 400,
          code: 'invalid_content_encoding',
          title: 'Bad request',
          detail: 'The request body is not valid for its Content-Encoding',
        });
      }
      if ((error as { status?: unknown }).status === 415) {
        throw new HttpProblem({
          status: 415,
          code: 'unsupported_content_encoding',
          title: 'Unsupported media type',
          detail: 'Content-Encoding must be gzip, deflate, br or identity',
        });
      }
      throw error;
    }
    await next();
  };
}

/** zlib (gzip, deflate) and brotli stream errors: a corrupt or mislabelled compressed body. */
function isDecompressionError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errno } = error as { code?: unknown; errno?: unknown };
  return typeof errno === 'number' && typeof code === 'string' && /^(Z_|ERR__)/.test(code);
}

/** The idempotent use cases when the request carries a key; undefined means "as without the header". */
function idempotentWrites(useCases: OpportunityUseCases, ctx: Context, required = false) {
  const key = idempotencyKeyOf(ctx, required);
  return key === undefined ? undefined : { key, ...useCases.idempotent };
}

export function opportunityRoutes(useCases: OpportunityUseCases, options: OpportunityRouteOptions): Router {
  const { requireIfMatch = false, publicUrl } = options;
  const router = new Router({ prefix: OPPORTUNITIES_PATH });
  const json = jsonBody(options.bodyLimitBytes);
  const created = (o: Opportunity) =>
    jsonResponse(201, { Location: `${OPPORTUNITIES_PATH}/${o.id}`, ETag: etag(o.version) }, presentOpportunity(o));
  const updated = (o: Opportunity) => jsonResponse(200, { ETag: etag(o.version) }, presentOpportunity(o));

  /** A listing, or with `near` the nearby listing with distances; with `facets`, their counts beside it. */
  async function listing(ctx: Context, query: ListQuery) {
    const nearby = nearOf(query);
    const counting = query.facets && useCases.countFacets.execute(query.facets, filtersOf(query), nearby?.near);
    const [page, counts] = await Promise.all([listingPage(ctx, query, nearby), counting]);
    return counts ? { ...page, ...presentFacets(counts) } : page;
  }

  async function listingPage(ctx: Context, query: ListQuery, nearby: ReturnType<typeof nearOf>) {
    if (nearby) {
      const { near, order } = nearby;
      const page = await useCases.listNear.execute(
        filtersOf(query),
        near,
        order,
        pageOf(query, order === 'distance' ? 'distance' : undefined),
      );
      return presentPage(ctx, publicUrl, page, presentNearby);
    }
    const page = await useCases.list.execute(filtersOf(query), pageOf(query, undefined));
    return presentPage(ctx, publicUrl, page, presentOpportunity);
  }

  router.get('/', async (ctx) => {
    ctx.body = await listing(ctx, decode(ListQuery, ctx.query));
  });

  // Registered before `/:id` so these paths are not taken for ids.
  router.get('/search', async (ctx) => {
    const query = decode(SearchQuery, ctx.query);
    const near = nearOf(query)?.near;
    const text = typedText(ctx, query.q);
    const page = await useCases.search.execute(
      text,
      filtersOf(query),
      pageOf(query, 'rank'),
      'full',
      near,
      query.facets,
    );
    ctx.body = presentSearchPage(ctx, publicUrl, page);
  });

  router.get('/search/suggestions', async (ctx) => {
    const query = decode(SuggestQuery, ctx.query);
    const limit = query.limit ?? SUGGESTIONS.default;
    const page = await useCases.search.execute(typedText(ctx, query.q), filtersOf(query), { limit }, 'suggest');
    ctx.body = presentSuggestions(page);
  });

  router.get('/category/:category', async (ctx) => {
    const category = decode(CategoryParam, ctx.params.category, 'category');
    ctx.body = await listing(ctx, decode(ListQuery, { ...ctx.query, category }));
  });

  router.get('/:id', async (ctx) => {
    const opportunity = await useCases.get.execute(decode(IdParam, ctx.params.id, 'id'));
    // Clients may keep a copy but must revalidate it (If-None-Match → 304) before using it.
    ctx.set('Cache-Control', 'no-cache');
    if (answerNotModifiedWhenFresh(ctx, etag(opportunity.version))) return;
    ctx.set('ETag', etag(opportunity.version));
    ctx.body = presentOpportunity(opportunity);
  });

  router.post('/', authenticated, json, async (ctx) => {
    const actor = requireActor(ctx);
    const body = decode(OpportunityBody, ctx.request.body);
    const writes = idempotentWrites(useCases, ctx, options.requireIdempotencyKey);
    if (writes) {
      const command = { idempotencyKey: writes.key, draft: body };
      sendResult(ctx, await idempotently(() => writes.create.execute(actor, command, created)));
      return;
    }
    const opportunity = await useCases.create.execute(actor, body);
    ctx.status = 201;
    ctx.set('Location', `${OPPORTUNITIES_PATH}/${opportunity.id}`);
    ctx.set('ETag', etag(opportunity.version));
    ctx.body = presentOpportunity(opportunity);
  });

  router.put('/:id', authenticated, json, async (ctx) => {
    const actor = requireActor(ctx);
    const id = decode(IdParam, ctx.params.id, 'id');
    const ifMatch = ifMatchOf(ctx, requireIfMatch);
    const draft = decode(OpportunityBody, ctx.request.body);
    const command = { id, draft, ...(ifMatch ? { ifMatch } : {}) };
    const writes = idempotentWrites(useCases, ctx);
    if (writes) {
      const keyed = { ...command, idempotencyKey: writes.key };
      sendResult(ctx, await idempotently(() => writes.update.execute(actor, keyed, updated)));
      return;
    }
    const opportunity = await useCases.update.execute(actor, command);
    ctx.set('ETag', etag(opportunity.version));
    ctx.body = presentOpportunity(opportunity);
  });

  router.delete('/:id', async (ctx) => {
    const actor = requireActor(ctx);
    const id = decode(IdParam, ctx.params.id, 'id');
    const ifMatch = ifMatchOf(ctx, requireIfMatch);
    const writes = idempotentWrites(useCases, ctx);
    if (writes) {
      const command = { id, idempotencyKey: writes.key, ...(ifMatch ? { ifMatch } : {}) };
      sendResult(ctx, await idempotently(() => writes.remove.execute(actor, command, noContent)));
      return;
    }
    await useCases.remove.execute(actor, id, ifMatch);
    ctx.status = 204;
  });

  return router;
}
