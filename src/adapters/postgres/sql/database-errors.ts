import { ConnectionException } from '@mikro-orm/postgresql';
import { DependencyUnavailableError } from '../../../application/dependency-unavailable.error.js';
import { ConflictError } from '../../../domain/domain-errors.js';

// What a database that is unreachable, going away or changing its primary (a failover, a planned
// switchover, a restart) makes a statement fail with:
// - socket errors, and SQLSTATE class 08 (connection exceptions, 08P01 protocol violation too);
// - 57P01 admin shutdown (a switchover stops the old primary), 57P02 crash shutdown (another
//   backend died), 57P03 cannot connect now (starting up, shutting down, in recovery), 57P05 idle
//   session timeout, 53300 too many connections;
// - 25006 read-only transaction: the connection reaches a demoted or fenced primary, now a
//   standby or turned read-only, which refuses every write (INSERT, SELECT … FOR UPDATE…);
// - 57014: the statement timeout cancelled the query (slow, the server is alive).
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
]);
const SQLSTATES = new Set(['25006', '57P01', '57P02', '57P03', '57P05', '53300', '57014']);
const CONNECTION_EXCEPTION = /^08[0-9A-Z]{3}$/;
const MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /Client has encountered a connection error/i,
  /not queryable/i,
  /Query read timeout/i,
];

// Failures after which the statement certainly did not run: nothing was sent (the connection was
// refused or never became ready), or the server refused it before changing anything (a read-only
// transaction rolls back, a server that cannot accept connections runs nothing).
const NOT_APPLIED_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND']);
const NOT_APPLIED_SQLSTATES = new Set(['25006', '57P03', '53300', '08001', '08004']);

/** Wraps a failure to obtain a pooled connection: no statement was sent on it. */
export class NeverSent extends Error {
  constructor(cause: unknown) {
    super('no connection to the database', { cause });
  }
}

/** The error codes a driver error carries, down its cause chain (bounded). */
function codesOf(error: unknown): { codes: string[]; messages: string[]; neverSent: boolean; orm: boolean } {
  const found = { codes: [] as string[], messages: [] as string[], neverSent: false, orm: false };
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth += 1) {
    if (current instanceof NeverSent) found.neverSent = true;
    if (current instanceof ConnectionException) found.orm = true;
    const { code, sqlState, message, cause } = current as {
      code?: unknown;
      sqlState?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string') found.codes.push(code);
    if (typeof sqlState === 'string') found.codes.push(sqlState);
    if (typeof message === 'string') found.messages.push(message);
    current = cause;
  }
  return found;
}

export function isUnavailable(error: unknown): boolean {
  const { codes, messages, neverSent, orm } = codesOf(error);
  return (
    neverSent ||
    orm ||
    codes.some((code) => NETWORK_CODES.has(code) || SQLSTATES.has(code) || CONNECTION_EXCEPTION.test(code)) ||
    messages.some((message) => MESSAGES.some((pattern) => pattern.test(message)))
  );
}

/**
 * The statement certainly changed nothing: retrying it cannot apply it twice. A connection cut
 * or a shutdown while the statement ran leaves its outcome unknown (it may have committed).
 */
export function certainlyNotApplied(error: unknown): boolean {
  const { codes, messages, neverSent } = codesOf(error);
  return (
    neverSent ||
    codes.some((code) => NOT_APPLIED_CODES.has(code) || NOT_APPLIED_SQLSTATES.has(code)) ||
    messages.some((message) => /timeout exceeded when trying to connect/i.test(message))
  );
}

/** The server's statement timeout cancelled the query: the query is slow, the server is alive. */
export function isStatementTimeout(error: unknown): boolean {
  return codesOf(error).codes.includes('57014');
}

/**
 * Errors the statement itself caused (class 23: a duplicate key, a violated check) leave the
 * connection healthy; after any other failure the connection may be broken, or lead to a server
 * that is no longer the primary, and is replaced.
 */
export function keepsConnection(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('23');
}

// A statement timeout means a slow query: retrying at once would only add load.
const RETRY_AFTER_SLOW_SECONDS = 5;
// A primary being replaced is back within a Patroni ttl (≈ 10 s); clients may poll sooner.
const RETRY_AFTER_UNAVAILABLE_SECONDS = 2;

/** The error a caller should see: "database unreachable" failures become DependencyUnavailableError. */
export function serviceError(error: unknown): unknown {
  if (!isUnavailable(error)) return error;
  const retryAfterSeconds = isStatementTimeout(error) ? RETRY_AFTER_SLOW_SECONDS : RETRY_AFTER_UNAVAILABLE_SECONDS;
  return new DependencyUnavailableError('database', { cause: error, retryAfterSeconds });
}

const UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION;
}

/** An insert that hit the opportunity's primary key (a client reused an id) is a conflict, not a failure. */
export function duplicateIdAsConflict(error: unknown, opportunityId: string): unknown {
  return isUniqueViolation(error) ? new ConflictError(`Opportunity ${opportunityId} already exists`) : error;
}
