import { checkUserId } from '../../domain/opportunity/opportunity-rules.js';

/**
 * simplejwt sends the user's primary key: a UUID string, or an integer (a JSON number in 5.2.2,
 * a string from 5.5.1 on). Both become the same decimal string; anything else is refused, and so
 * is a string the domain could not store as `createdBy` (too long, control characters, lone
 * surrogates).
 */
export function readUserId(claim: unknown): string | null {
  if (typeof claim === 'number') {
    return Number.isSafeInteger(claim) ? String(claim) : null;
  }
  if (typeof claim === 'string') {
    return checkUserId(claim).ok ? claim : null;
  }
  return null;
}
