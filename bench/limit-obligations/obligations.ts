/**
 * What the service's answers on GET /:id, the pages and POST are made of, written for the bench's
 * peers without importing service code: its SQL (the statements its Kysely builder compiles, under
 * the same names, so PostgreSQL plans them alike), its JSON, its cursors, its problem documents, its
 * field rules (simplejwt verification is in token-cache.ts).
 */
import type http from 'node:http';

export const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

const COLUMNS = [
  'id',
  'title',
  'description',
  'category',
  'location',
  'latitude',
  'longitude',
  'tags',
  'status',
  'deadline',
  'created_by',
  'created_at',
  'updated_at',
  'version',
]
  .map((c) => `"o"."${c}"`)
  .join(', ');
const FROM = `select ${COLUMNS} from "opportunity" as "o"`;
const KEYSET = `("o"."created_at", "o"."id")`;
const POSITION = '(cast($1 as timestamptz), cast($2 as uuid))';

/** The service's statements, by the names it gives them (a hash of the text). */
export const FIND_BY_ID = { name: 'opp_444f03409fe2eb1a', text: `${FROM} where "o"."id" = $1` };
export const INSERT = {
  name: 'opp_4e2e9ce72f23e881',
  text:
    'insert into "opportunity" ("id", "title", "description", "category", "location", "tags", "status", "deadline", ' +
    '"updated_at", "version", "created_by", "created_at") values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
};
export const LIST = {
  first: { name: 'opp_c609edf014a216bb', text: `${FROM} order by "o"."created_at" desc, "o"."id" desc limit $1` },
  after: {
    name: 'opp_88e3ed5e2b0b59b7',
    text: `${FROM} where ${KEYSET} < ${POSITION} order by "o"."created_at" desc, "o"."id" desc limit $3`,
  },
  before: {
    name: 'opp_12d32ec109b962c5',
    text: `${FROM} where ${KEYSET} > ${POSITION} order by "o"."created_at" asc, "o"."id" asc limit $3`,
  },
};

export interface Row {
  id: string;
  title: string;
  description: string;
  category: string;
  location: string | null;
  latitude: number | null;
  longitude: number | null;
  tags: string[];
  status: string;
  deadline: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export const toJson = (row: Row) => ({
  id: row.id,
  title: row.title,
  description: row.description,
  category: row.category,
  location: row.location,
  coordinates: row.latitude === null || row.longitude === null ? null : { lat: row.latitude, lng: row.longitude },
  tags: row.tags,
  status: row.status,
  deadline: row.deadline,
  createdBy: row.created_by,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  version: row.version,
});

/** The headers every answer of the service carries (before the route's own). */
export const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Referrer-Policy', 'no-referrer'],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
];

export interface FieldIssue {
  readonly field: string;
  readonly message: string;
}

export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly headers?: Record<string, string> | undefined;
  readonly errors?: readonly FieldIssue[] | undefined;
  readonly extra?: Record<string, unknown>;
}

/** An error carrying the problem document to answer with. */
export const refusal = (
  status: number,
  code: string,
  title: string,
  detail: string,
  headers?: Record<string, string>,
  errors?: readonly FieldIssue[],
): Error & { problem: Problem } =>
  Object.assign(new Error(detail), { problem: { status, code, title, detail, headers, errors } });

export const problemBody = (p: Problem) => ({
  type: `urn:opportunities:problem:${p.code}`,
  title: p.title,
  status: p.status,
  detail: p.detail,
  code: p.code,
  ...(p.errors ? { errors: p.errors } : {}),
  ...p.extra,
});

export const invalid = (issues: readonly FieldIssue[]) =>
  refusal(
    400,
    'validation_failed',
    'Invalid request',
    `Invalid input: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`,
    undefined,
    issues,
  );

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface Cursor {
  d: 'n' | 'p';
  t: number;
  i: string;
}

export const writeCursor = (d: 'n' | 'p', row: Row): string =>
  Buffer.from(JSON.stringify({ d, t: row.created_at.getTime(), i: row.id })).toString('base64url');

/** `limit` (1–100, default 20) and `cursor` as the service reads them; any other parameter is ignored. */
export function readPageQuery(query: URLSearchParams): { limit: number; cursor: Cursor | undefined } {
  const issues: FieldIssue[] = [];
  const limits = query.getAll('limit');
  let limit = 20;
  if (limits.length > 1) issues.push({ field: 'limit', message: 'must be given once' });
  else if (limits.length === 1) {
    limit = /^\d{1,4}$/.test(limits[0] as string) ? Number(limits[0]) : NaN;
    if (!(limit >= 1 && limit <= 100)) issues.push({ field: 'limit', message: 'must be an integer from 1 to 100' });
  }
  if (issues.length > 0) throw invalid(issues);
  const raw = query.get('cursor');
  return { limit, cursor: raw === null ? undefined : readCursor(raw) };
}

/** A cursor made by `writeCursor`, or a 400. */
export function readCursor(raw: string): Cursor {
  let cursor: Cursor | undefined;
  try {
    if (raw.length <= 512 && /^[A-Za-z0-9_-]+$/.test(raw))
      cursor = JSON.parse(Buffer.from(raw, 'base64url').toString());
  } catch {
    cursor = undefined;
  }
  const valid =
    typeof cursor === 'object' &&
    cursor !== null &&
    (cursor.d === 'n' || cursor.d === 'p') &&
    Number.isSafeInteger(cursor.t) &&
    typeof cursor.i === 'string' &&
    UUID.test(cursor.i);
  if (!valid) throw refusal(400, 'invalid_cursor', 'Invalid cursor', 'Invalid cursor');
  return cursor as Cursor;
}

// eslint-disable-next-line no-control-regex -- the control characters a field must not contain
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LINE_BREAK = /[\n\r\t]/;
const VISIBLE = /[^\s\u200b-\u200f\u2060\ufeff]/u;

interface Checked<T> {
  value?: T;
  message?: string;
}

function text(value: unknown, max: number, multiLine = false): Checked<string> {
  if (typeof value !== 'string') return { message: 'must be a string' };
  const trimmed = value.trim();
  if (trimmed.length === 0) return { message: 'must not be blank' };
  if (trimmed.length > max) return { message: `must be at most ${max} characters` };
  if (LONE_SURROGATE.test(trimmed) || CONTROL.test(trimmed) || (!multiLine && LINE_BREAK.test(trimmed))) {
    return { message: 'must not contain control characters' };
  }
  if (!VISIBLE.test(trimmed)) return { message: 'must contain at least one visible character' };
  return { value: trimmed };
}

export type Draft = Pick<Row, 'title' | 'description' | 'category' | 'location' | 'tags' | 'status' | 'deadline'>;

/** The body of a POST, checked field by field as the service checks it (every issue reported). */
export function checkDraft(body: unknown): Draft {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid([{ field: 'body', message: 'must be an object' }]);
  const input = body as Record<string, unknown>;
  const issues: FieldIssue[] = [];
  const field = <T>(name: string, result: Checked<T>): T => {
    if (result.message !== undefined) issues.push({ field: name, message: result.message });
    return result.value as T;
  };
  const required = (name: string, checked: () => Checked<string>) =>
    field<string>(name, input[name] === undefined ? { message: 'is required' } : checked());
  const title = required('title', () => text(input.title, 200));
  const description = required('description', () => text(input.description, 10_000, true));
  const category = required('category', () =>
    typeof input.category === 'string' && /^[a-z0-9-]{1,50}$/.test(input.category)
      ? { value: input.category }
      : { message: 'must contain only lowercase letters, digits and hyphens' },
  );
  const rawLocation = input.location;
  const location =
    rawLocation === undefined || rawLocation === null || (typeof rawLocation === 'string' && rawLocation.trim() === '')
      ? null
      : field<string>('location', text(rawLocation, 200));
  let tags: string[] = [];
  if (input.tags !== undefined) {
    const raw = input.tags;
    if (
      !Array.isArray(raw) ||
      !raw.every((tag) => typeof tag === 'string' && tag.trim().length > 0 && tag.trim().length <= 40)
    ) {
      issues.push({ field: 'tags', message: 'each tag must be 1 to 40 characters' });
    } else if ((tags = [...new Set(raw.map((tag: string) => tag.trim()))]).length > 20) {
      issues.push({ field: 'tags', message: 'must have at most 20 distinct tags' });
    }
  }
  const status = input.status ?? 'open';
  if (status !== 'open' && status !== 'closed')
    issues.push({ field: 'status', message: 'must be one of: open, closed' });
  const deadline = input.deadline ?? null;
  if (deadline !== null && !(typeof deadline === 'string' && isCalendarDate(deadline))) {
    issues.push({ field: 'deadline', message: 'must be an ISO-8601 date (YYYY-MM-DD)' });
  }
  if (issues.length > 0) throw invalid(issues);
  return {
    title,
    description,
    category,
    location,
    tags,
    status: status as string,
    deadline: deadline as string | null,
  };
}

function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Reads a JSON body of at most 64 KB: 415 for another type, 413 past the limit, 400 for bad JSON. */
export async function readDraft(request: http.IncomingMessage): Promise<Draft> {
  const type = request.headers['content-type'] ?? '';
  if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type)) {
    throw refusal(415, 'unsupported_media_type', 'Unsupported media type', 'Send the request body as application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 64 * 1024) throw refusal(413, 'payload_too_large', 'Payload too large', 'The request body is too large');
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw refusal(400, 'bad_request', 'Bad request', 'The request body is not valid JSON');
  }
  return checkDraft(body);
}
