import type { TokenSession } from './token-session.js';

/** A request whose token expired may be sent again: not a POST, unless it carries an Idempotency-Key. */
export function isRetryable(request: Request): boolean {
  return request.method !== 'POST' || request.headers.has('idempotency-key');
}

/**
 * A 401 that refreshing can cure: the service says `token_error: "expired"`; a plain simplejwt
 * body (`code: token_not_valid`, no `token_error`) counts when its messages say expired.
 */
export async function saysTokenExpired(response: Response): Promise<boolean> {
  if (response.status !== 401) return false;
  let body: unknown;
  try {
    body = await response.clone().json();
  } catch {
    return false;
  }
  if (typeof body !== 'object' || body === null) return false;
  const { token_error: tokenError, code, messages } = body as Record<string, unknown>;
  if (tokenError !== undefined) return tokenError === 'expired';
  return (
    code === 'token_not_valid' &&
    Array.isArray(messages) &&
    messages.some((entry) => /expired/i.test(String((entry as { message?: unknown })?.message)))
  );
}

/** Seconds left before the token's `exp`, read without verifying (only to decide when to refresh). */
export function secondsLeft(token: string, nowMs: number): number | undefined {
  const payload = token.split('.')[1];
  const decode = (globalThis as { atob?: (data: string) => string }).atob;
  if (!payload || !decode) return undefined;
  try {
    const padded = payload
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const exp = (JSON.parse(decode(padded)) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp - nowMs / 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A request that cannot be retried is not sent with a token that expires within this margin
 * (best effort: the device clock may be off; then the answer is a 401 and the next call works).
 * Small, because Django's access tokens may be short-lived.
 */
const EXPIRY_MARGIN_SECONDS = 1;

/**
 * The fetch the typed client uses: attaches the access token; on a 401 saying it expired,
 * refreshes at Django once (shared by concurrent requests) and sends the request once more.
 * Never a second retry. A POST gets an Idempotency-Key when it has none (if a key source is
 * given), so the service answers a repeat with the first answer. A POST without a key is never
 * sent twice (the service might have acted on it); its token is refreshed before sending when it
 * is about to expire, and after an expired answer the new token is stored for the app's next call.
 */
export interface AuthenticatedFetchOptions {
  /** A fresh key for a POST sent without one (so it can be retried safely); none when undefined. */
  readonly newIdempotencyKey?: () => string | undefined;
  readonly now?: () => number;
}

export function authenticatedFetch(
  session: TokenSession,
  baseFetch: (request: Request) => Promise<Response>,
  options: AuthenticatedFetchOptions = {},
): (request: Request) => Promise<Response> {
  const now = options.now ?? Date.now;
  const send = (request: Request, access: string | null): Promise<Response> => {
    if (access !== null) request.headers.set('authorization', `Bearer ${access}`);
    return baseFetch(request);
  };
  return async (request) => {
    if (request.method === 'POST' && !request.headers.has('idempotency-key')) {
      const key = options.newIdempotencyKey?.();
      if (key) request.headers.set('idempotency-key', key);
    }
    const retryable = isRetryable(request);
    const spare = retryable ? request.clone() : undefined; // before the body is consumed
    let access = await session.accessToken();
    if (!retryable && access !== null && (secondsLeft(access, now()) ?? Infinity) < EXPIRY_MARGIN_SECONDS) {
      access = await session.refreshAfter(access);
    }
    const first = await send(request, access);
    if (access === null || !(await saysTokenExpired(first))) return first;
    const fresh = await session.refreshAfter(access);
    if (!spare) return first;
    await first.body?.cancel();
    return send(spare, fresh);
  };
}
