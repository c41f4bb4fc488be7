import * as t from 'io-ts';
import type { PageCursor } from '../../../application/opportunity/pagination.js';
import { HttpProblem } from '../problem.js';

/** What an opaque cursor carries: direction, and the keyset position (time in ms, id, rank, distance key). */
const CursorPayload = t.intersection([
  t.type({ d: t.union([t.literal('n'), t.literal('p')]), t: t.number, i: t.string }),
  t.partial({ r: t.number, k: t.number }),
]);

/** The order key a listing needs besides time and id: a search's rank, a nearest-first listing's distance. */
export type CursorKey = 'rank' | 'distance' | undefined;

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

/** A distance key is a finite length, at most the Earth's diameter in metres (well within float8). */
function isDistanceKey(key: number | undefined): key is number {
  return key !== undefined && Number.isFinite(key) && key >= 0 && key <= 2e7;
}

export function encodeCursor(cursor: PageCursor): string {
  const { position } = cursor;
  const payload = {
    d: cursor.direction === 'next' ? 'n' : 'p',
    t: position.createdAt.getTime(),
    i: position.id,
    ...(position.rank === undefined ? {} : { r: position.rank }),
    ...(position.distanceKey === undefined ? {} : { k: position.distanceKey }),
  };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/** Decodes a cursor from a query string; anything not made by `encodeCursor` is a 400. */
export function decodeCursor(raw: string, needs: CursorKey): PageCursor {
  const payload = parse(raw);
  const decoded = payload === undefined ? undefined : CursorPayload.decode(payload);
  if (
    decoded === undefined ||
    decoded._tag === 'Left' ||
    !isStorableTime(decoded.right.t) ||
    !UUID.test(decoded.right.i) ||
    (needs === 'rank' && !isStorableRank(decoded.right.r)) ||
    (needs === 'distance' && !isDistanceKey(decoded.right.k))
  ) {
    throw new HttpProblem({ status: 400, code: 'invalid_cursor', title: 'Invalid cursor', detail: 'Invalid cursor' });
  }
  const { d, t: time, i, r, k } = decoded.right;
  return {
    direction: d === 'n' ? 'next' : 'previous',
    position: {
      createdAt: new Date(time),
      id: i,
      ...(needs === 'rank' && r !== undefined ? { rank: r } : {}),
      ...(needs === 'distance' && k !== undefined ? { distanceKey: k } : {}),
    },
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
