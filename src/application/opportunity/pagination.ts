import { ValidationError } from '../../domain/domain-errors.js';
import type { PagePosition, PageRequest, Slice } from '../../domain/opportunity/opportunity-repository.port.js';

export const PAGE_SIZE = { default: 20, max: 100 } as const;

/** Where a page starts: after a position (forwards) or before it (backwards). */
export interface PageCursor {
  readonly direction: 'next' | 'previous';
  readonly position: PagePosition;
}

export interface PageQuery {
  readonly limit?: number;
  readonly cursor?: PageCursor;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly next: PageCursor | null;
  readonly previous: PageCursor | null;
}

export function checkPageSize(limit: number | undefined): number {
  const size = limit ?? PAGE_SIZE.default;
  if (!Number.isInteger(size) || size < 1 || size > PAGE_SIZE.max) {
    throw new ValidationError([{ field: 'limit', message: `must be an integer from 1 to ${PAGE_SIZE.max}` }]);
  }
  return size;
}

/**
 * Loads one page by keyset and works out the cursors around it, like DRF's cursor pagination:
 * `previous` is null on the first page, `next` is null on the last.
 */
export async function loadPage<T>(
  query: PageQuery,
  load: (request: PageRequest) => Promise<Slice<T>>,
  positionOf: (item: T) => PagePosition,
): Promise<Page<T>> {
  const limit = checkPageSize(query.limit);
  const cursor = query.cursor;
  const backwards = cursor?.direction === 'previous';
  const request: PageRequest = backwards
    ? { limit, before: cursor.position }
    : { limit, ...(cursor ? { after: cursor.position } : {}) };
  const slice = await load(request);
  const first = slice.items[0];
  const last = slice.items[slice.items.length - 1];
  const cursorAt = (direction: PageCursor['direction'], item: T | undefined): PageCursor | null =>
    item === undefined ? null : { direction, position: positionOf(item) };

  if (backwards) {
    return {
      items: slice.items,
      previous: slice.hasMore ? cursorAt('previous', first) : null,
      // We came from a later page, so there is always something after this one.
      next: cursorAt('next', last) ?? { direction: 'next', position: cursor.position },
    };
  }
  return {
    items: slice.items,
    next: slice.hasMore ? cursorAt('next', last) : null,
    previous: cursor ? (cursorAt('previous', first) ?? { direction: 'previous', position: cursor.position }) : null,
  };
}
