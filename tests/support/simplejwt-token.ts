import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

export interface SimplejwtClaims {
  readonly userId: string | number;
  readonly email?: string;
  readonly role?: string;
  readonly lifetimeSeconds?: number;
  readonly tokenType?: string;
  /** Seconds since the epoch; defaults to now. */
  readonly issuedAt?: number;
  readonly algorithm?: string;
  /** Extra or overriding claims, e.g. to craft invalid tokens in tests. */
  readonly extra?: Record<string, unknown>;
}

/**
 * Signs a token the way simplejwt 5.2.2 does: header {"alg":"HS256","typ":"JWT"}, claims in the
 * order token_type, exp, iat, jti (uuid4 hex), user_id, then the custom email and role claims.
 */
export async function signSimplejwtAccessToken(secret: string, claims: SimplejwtClaims): Promise<string> {
  const now = claims.issuedAt ?? Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    token_type: claims.tokenType ?? 'access',
    exp: now + (claims.lifetimeSeconds ?? 300),
    iat: now,
    jti: randomUUID().replaceAll('-', ''),
    user_id: claims.userId,
    ...(claims.email === undefined ? {} : { email: claims.email }),
    ...(claims.role === undefined ? {} : { role: claims.role }),
    ...claims.extra,
  };
  for (const [key, value] of Object.entries(payload)) if (value === undefined) delete payload[key];
  return new SignJWT(payload)
    .setProtectedHeader({ alg: claims.algorithm ?? 'HS256', typ: 'JWT' })
    .sign(new TextEncoder().encode(secret));
}
