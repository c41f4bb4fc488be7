const MAX_USER_ID_LENGTH = 255;

/**
 * simplejwt sends the user's primary key: a UUID string, or an integer (a JSON number in 5.2.2,
 * a string from 5.5.1 on). Both become the same decimal string; anything else is refused.
 */
export function readUserId(claim: unknown): string | null {
  if (typeof claim === 'number') {
    return Number.isSafeInteger(claim) ? String(claim) : null;
  }
  if (typeof claim === 'string') {
    return claim.length > 0 && claim.length <= MAX_USER_ID_LENGTH ? claim : null;
  }
  return null;
}
