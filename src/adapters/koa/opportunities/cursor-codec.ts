import * as t from 'io-ts';
import type { PageCursor } from '../../../application/opportunity/pagination.js';
import { HttpProblem } from '../problem.js';

/** What an opaque cursor carries: direction, and the keyset position (time in ms, id, rank). */
const CursorPayload = t.intersection([
  t.type({ d: t.union([t.literal('n'), t.literal('p')]), t: t.number, i: t.string }),
  t.partial({ r: t.number }),
]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Years 0001 to 9999: inside both JavaScript's and PostgreSQL's timestamp ranges. */
const EARLIEST_MS = -62_135_596_800_000; // 0001-01-01T00:00:00Z (Date.UTC maps years below 100 to 19xx)
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function isStorableTime(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms >= EARLIEST_MS && ms <= LATEST_MS;
}

/**
 * Ranks are compared as PostgreSQL `real` (float4): a value that overflows it, or underflows to
 * zero, makes the statement fail. Ranks are never negative.
 */
function isStorableRank(rank: number | undefined): boolean {
  if (rank === undefined || !Number.isFinite(rank) || rank < 0) return false;
  const asFloat4 = Math.fround(rank);
  return Number.isFinite(asFloat4) && (rank === 0 || asFloat4 !== 0);
}

export function encodeCursor(cursor: PageCursor): string {
  const { position } = cursor;
  const payload = {
    d: cursor.direction === 'next' ? 'n' : 'p',
    t: position.createdAt.getTime(),
    i: position.id,
    ...(position.rank === undefined ? {} : { r: position.rank }),
  };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** Decodes a cursor from a query string; anything not made by `encodeCursor` is a 400. */
export function decodeCursor(raw: string, needsRank: boolean): PageCursor {
  const payload = parse(raw);
  const decoded = payload === undefined ? undefined : CursorPayload.decode(payload);
  if (
    decoded === undefined ||
    decoded._tag === 'Left' ||
    !isStorableTime(decoded.right.t) ||
    !UUID.test(decoded.right.i) ||
    (needsRank && !isStorableRank(decoded.right.r))
  ) {
    throw new HttpProblem({ status: 400, code: 'invalid_cursor', title: 'Invalid cursor', detail: 'Invalid cursor' });
  }
  const { d, t: time, i, r } = decoded.right;
  return {
    direction: d === 'n' ? 'next' : 'previous',
    position: { createdAt: new Date(time), id: i, ...(needsRank && r !== undefined ? { rank: r } : {}) },
  };
}

function parse(raw: string): unknown {
  if (raw.length > 512 || !/^[A-Za-z0-9_-]+$/.test(raw)) return undefined;
  try {
    return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}
