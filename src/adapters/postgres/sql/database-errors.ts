import { ConnectionException } from '@mikro-orm/postgresql';
import { DependencyUnavailableError } from '../../../application/dependency-unavailable.error.js';
import { ConflictError } from '../../../domain/domain-errors.js';

// Socket errors and PostgreSQL SQLSTATEs that mean "the database is not reachable or is going
// away" (class 08 connection exceptions, 57P0x shutdowns, 53300 too many connections) or that the
// statement timeout cancelled a query (57014), or the driver's own query timeout gave up on it.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
const SQLSTATES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03', '53300', '57014']);
const MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /Client has encountered a connection error/i,
  /Query read timeout/i,
];

export function isUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 3 || typeof error !== 'object' || error === null) return false;
  if (error instanceof ConnectionException) return true;
  const { code, sqlState, message, cause } = error as {
    code?: unknown;
    sqlState?: unknown;
    message?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATES.has(code))) return true;
  if (typeof sqlState === 'string' && SQLSTATES.has(sqlState)) return true;
  if (typeof message === 'string' && MESSAGES.some((pattern) => pattern.test(message))) return true;
  return isUnavailable(cause, depth + 1);
}

/** The server's statement timeout cancelled the query: the query is slow, the server is alive. */
export function isStatementTimeout(error: unknown, depth = 0): boolean {
  if (depth > 3 || typeof error !== 'object' || error === null) return false;
  const { code, sqlState, cause } = error as { code?: unknown; sqlState?: unknown; cause?: unknown };
  return code === '57014' || sqlState === '57014' || isStatementTimeout(cause, depth + 1);
}

/** The error a caller should see: "database unreachable" failures become DependencyUnavailableError. */
export function serviceError(error: unknown): unknown {
  return isUnavailable(error) ? new DependencyUnavailableError('database', { cause: error }) : error;
}

/** Runs a database call, turning "database unreachable" failures into DependencyUnavailableError. */
export async function guardDatabase<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw serviceError(error);
  }
}

const UNIQUE_VIOLATION = '23505';

/** An insert that hit the opportunity's primary key (a client reused an id) is a conflict, not a failure. */
export function duplicateIdAsConflict(error: unknown, opportunityId: string): unknown {
  return (error as { code?: unknown } | null)?.code === UNIQUE_VIOLATION
    ? new ConflictError(`Opportunity ${opportunityId} already exists`)
    : error;
}
