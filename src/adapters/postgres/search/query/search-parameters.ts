import type { SearchRequest } from '../../../../domain/opportunity/search/opportunity-search.port.js';
import type { QueryTexts } from './tsquery-text.js';

/**
 * How many candidates one search ranks at most, and how many index matches a tier may read to
 * find them when filters reject some. These bound every request's cost; see docs/search.md for what
 * the cap trades away.
 */
export interface SearchLimits {
  /** How many of the newest rows are read in time order (the rest through GIN indexes). */
  readonly recentWindow: number;
  /** How many of the newest rows a tier of common words reads at most (WALK_ROWS when absent; tests lower it). */
  readonly walkRows?: number;
  /** How many title postings per clause a two-clause title tier reads per request (title-intersection.ts). */
  readonly titleWalk: number;
  readonly full: { readonly candidates: number; readonly scanBudget: number };
  readonly suggest: { readonly candidates: number; readonly scanBudget: number };
  /** Facet counts are exact up to this many matches (FACET_BOUND when absent; tests lower it). */
  readonly facetBound?: number;
  /** How many of the newest rows a count of common words reads at most (FACET_WALK_ROWS when absent). */
  readonly facetWalkRows?: number;
}

/** The search statement's named parameters (tsquery texts as tsquery-text.ts writes them). */
export interface SearchParams {
  /** Per clause: as typed or corrected, as typed only, in titles, in tags. */
  readonly anyTexts: readonly string[];
  readonly exactTexts: readonly string[];
  readonly titleTexts: readonly string[];
  readonly tagsTexts: readonly string[];
  /** Every clause; some clause; every clause in titles (tier 2 leaves tier 1's rows out without recomputing title vectors). */
  readonly all: string;
  readonly some: string;
  readonly allInTitles: string;
  /** Empty when nothing is excluded. */
  readonly excluded: string;
  readonly category: string | null;
  readonly status: string | null;
  readonly location: string | null;
  readonly tag: string | null;
  readonly createdBy: string | null;
  /** Near a point: all three set, or all null. */
  readonly nearLat: number | null;
  readonly nearLng: number | null;
  readonly nearRadiusMetres: number | null;
  /** As-you-type suggestions look at titles only. */
  readonly titlesOnly: boolean;
  readonly candidateCap: number;
  readonly scanBudget: number;
  /** The cursor: score, created_at and id of the row to continue from. */
  readonly positionRank: number | null;
  readonly positionCreatedAt: Date | null;
  readonly positionId: string | null;
  /** One more than the page, to learn whether more rows exist. */
  readonly limit: number;
  /** The title tier's ids from the title postings, in the page's walking order (null: the GIN title index). */
  readonly titleIds: readonly string[] | null;
}

/** The statement's parameters for a request, from its tsquery texts (the vocabulary's words included). */
export function searchParameters(
  request: SearchRequest,
  texts: QueryTexts,
  allLimits: SearchLimits,
  /** From the title postings; `cap` replaces the candidate cap when the ids are the page's rows. */
  titleTier: { readonly ids: readonly string[] | null; readonly cap?: number } = { ids: null },
): SearchParams {
  const { filters, page, mode } = request;
  const limits = allLimits[mode];
  const position = page.before ?? page.after;
  return {
    anyTexts: texts.any,
    exactTexts: texts.exact,
    titleTexts: texts.title,
    tagsTexts: texts.tags,
    all: texts.all,
    some: texts.some,
    allInTitles: texts.title.join(' & '),
    excluded: texts.excluded,
    category: filters.category ?? null,
    status: filters.status ?? null,
    location: filters.location ?? null,
    tag: filters.tag ?? null,
    createdBy: filters.createdBy ?? null,
    nearLat: request.near?.point.lat ?? null,
    nearLng: request.near?.point.lng ?? null,
    nearRadiusMetres: request.near ? request.near.radiusKm * 1000 : null,
    titlesOnly: mode === 'suggest',
    candidateCap: titleTier.cap ?? limits.candidates,
    scanBudget: limits.scanBudget,
    positionRank: position?.rank ?? null,
    positionCreatedAt: position?.createdAt ?? null,
    positionId: position?.id ?? null,
    limit: page.limit + 1,
    titleIds: titleTier.ids,
  };
}
