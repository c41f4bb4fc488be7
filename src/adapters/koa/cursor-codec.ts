import * as t from 'io-ts';
import type { PageCursor } from '../../application/opportunity/pagination.js';
import { HttpProblem } from './problem.js';

/** What an opaque cursor carries: direction, and the keyset position (time in ms, id, rank). */
const CursorPayload = t.intersection([
  t.type({ d: t.union([t.literal('n'), t.literal('p')]), t: t.number, i: t.string }),
  t.partial({ r: t.number }),
]);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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
    !Number.isSafeInteger(decoded.right.t) ||
    !UUID.test(decoded.right.i) ||
    (needsRank && !Number.isFinite(decoded.right.r))
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
