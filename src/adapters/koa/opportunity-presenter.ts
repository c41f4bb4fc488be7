import type { Context } from 'koa';
import type { Page } from '../../application/opportunity/pagination.js';
import type { Opportunity } from '../../domain/opportunity/opportunity.js';
import { encodeCursor } from './cursor-codec.js';

export interface OpportunityJson {
  id: string;
  title: string;
  description: string;
  category: string;
  location: string | null;
  tags: string[];
  status: string;
  deadline: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export function presentOpportunity(opportunity: Opportunity): OpportunityJson {
  return {
    id: opportunity.id,
    title: opportunity.title,
    description: opportunity.description,
    category: opportunity.category,
    location: opportunity.location,
    tags: [...opportunity.tags],
    status: opportunity.status,
    deadline: opportunity.deadline,
    createdBy: opportunity.createdBy,
    createdAt: opportunity.createdAt.toISOString(),
    updatedAt: opportunity.updatedAt.toISOString(),
    version: opportunity.version,
  };
}

/** DRF cursor pagination's shape: absolute `next` / `previous` links (or null) and `results`. */
export function presentPage<T, J = OpportunityJson>(ctx: Context, page: Page<T>, present: (item: T) => J) {
  const link = (cursor: Page<T>['next']): string | null => {
    if (!cursor) return null;
    // Koa 3's ctx.origin is the Origin request header, not this server's origin.
    const url = new URL(ctx.originalUrl, `${ctx.protocol}://${ctx.host}`);
    url.searchParams.set('cursor', encodeCursor(cursor));
    return url.toString();
  };
  return { next: link(page.next), previous: link(page.previous), results: page.items.map(present) };
}
