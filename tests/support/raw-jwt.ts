import { createHmac } from 'node:crypto';

const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/**
 * Builds a compact JWS by hand, HMAC-signed with `secret` (or with the given signature), so tests
 * can craft tokens that well-behaved libraries refuse to produce (alg none, crit, odd claims…).
 */
export function rawJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown> | string,
  secret: string | Buffer | null,
  hash = 'sha256',
): string {
  const signingInput = `${b64(header)}.${b64(payload)}`;
  const signature = secret === null ? '' : createHmac(hash, secret).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

export function simplejwtPayload(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    token_type: 'access',
    exp: now + 300,
    iat: now,
    jti: '0123456789abcdef0123456789abcdef',
    user_id: '5b6f2f3e-8a0c-4c1e-9f53-2f1f7c0e9a10',
    email: 'user@example.com',
    role: 'user',
    ...overrides,
  };
  for (const [key, value] of Object.entries(payload)) if (value === undefined) delete payload[key];
  return payload;
}
