/** simplejwt HS256 access tokens, checked with `node:crypto`, behind the service's verified-token cache. */
import { createHmac, createSecretKey, hash, type KeyObject, timingSafeEqual } from 'node:crypto';
import { refusal } from './obligations.js';

export interface Actor {
  readonly userId: string;
  readonly role: string | null;
}

const REALM = 'Bearer realm="api"';
const tokenRefused = (description: string) =>
  refusal(401, 'token_not_valid', 'Unauthorized', 'Given token not valid for any token type', {
    'WWW-Authenticate': `${REALM}, error="invalid_token", error_description="${description}"`,
  });

/**
 * simplejwt HS256 access tokens checked with `node:crypto` (the service uses jose; the checks are
 * simplejwt's either way), accepted ones remembered by the SHA-256 of the token until `exp` or for
 * a minute, at most 10,000: the service's verified-token cache.
 */
export class TokenCache {
  private readonly key: KeyObject;
  private readonly entries = new Map<string, { actor: Actor; until: number }>();

  constructor(secret: string) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  /** The header's actor; a refusal for a malformed header or a refused token (other schemes are ignored). */
  verify(header: string): Actor | undefined {
    const parts = header
      .trim()
      .split(/\s+/)
      .filter((part) => part.length > 0);
    if (parts[0] !== 'Bearer') return undefined;
    if (parts.length !== 2) {
      throw refusal(
        401,
        'bad_authorization_header',
        'Unauthorized',
        'Authorization header must contain two space-delimited values',
        {
          'WWW-Authenticate': `${REALM}, error="invalid_request", error_description="The Authorization header must be: Bearer <token>"`,
        },
      );
    }
    const token = parts[1] as string;
    const digest = hash('sha256', token, 'base64url');
    const now = Date.now();
    const hit = this.entries.get(digest);
    if (hit !== undefined && now < hit.until) return hit.actor;
    const { actor, exp } = this.check(token, now / 1000);
    if (this.entries.size >= 10_000) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(digest, { actor, until: Math.min(exp * 1000, now + 60_000) });
    return actor;
  }

  private check(token: string, now: number): { actor: Actor; exp: number } {
    const segments = token.split('.');
    if (token.length > 8192) throw tokenRefused('The access token is too large');
    const canonical = (part: string) =>
      /^[A-Za-z0-9_-]*$/.test(part) && Buffer.from(part, 'base64url').toString('base64url') === part;
    if (segments.length !== 3 || !segments.every(canonical)) throw tokenRefused('The access token is malformed');
    const [head, body, signature] = segments as [string, string, string];
    const header = decode(head);
    if (header?.alg !== 'HS256') throw tokenRefused('The token algorithm is not accepted');
    if ('crit' in header || 'b64' in header) throw tokenRefused('The token header is not supported');
    const expected = createHmac('sha256', this.key).update(`${head}.${body}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      throw tokenRefused('The token signature is invalid');
    const claims = decode(body);
    if (claims === undefined) throw tokenRefused('The access token is malformed');
    const { exp, nbf, iat, jti, token_type: type, user_id: userId, role } = claims;
    if (typeof exp !== 'number') throw tokenRefused('The access token has no expiry');
    if (exp <= now) throw tokenRefused('The access token expired');
    if (typeof nbf === 'number' && nbf > now) throw tokenRefused('The access token is not valid yet');
    if (typeof iat === 'number' && iat > now) throw tokenRefused('The access token is issued in the future');
    if (typeof jti !== 'string' || jti === '' || jti.length > 255)
      throw tokenRefused('The access token has an invalid claim');
    if (type !== 'access') throw tokenRefused('Only access tokens are accepted');
    if (typeof userId !== 'string' && !Number.isSafeInteger(userId))
      throw tokenRefused('The access token has an invalid claim');
    return { actor: { userId: String(userId), role: typeof role === 'string' ? role : null }, exp };
  }
}

function decode(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // falls through
  }
  return undefined;
}
