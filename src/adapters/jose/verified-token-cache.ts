import { hash } from 'node:crypto';
import type { AccessTokenVerifier, VerifiedAccessToken } from '../../application/ports/access-token-verifier.port.js';

export interface VerifiedTokenCacheSettings {
  /** The verifier's leeway: jose accepts a token until `exp + leeway`. */
  readonly leewaySeconds: number;
  /** At most this many tokens are remembered; the oldest entry makes room for a new one. */
  readonly maxEntries?: number;
  /**
   * An accepted token is re-verified at least this often, whatever its `exp`: bounds how long a key
   * dropped from a JWKS keeps being honoured for tokens already seen.
   */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

interface Entry {
  readonly token: VerifiedAccessToken;
  /** Epoch ms after which the entry is not used (the inner verifier judges again). */
  readonly until: number;
}

/**
 * A mobile app sends the same access token with every request for its whole lifetime, and
 * verifying it (jose, WebCrypto HMAC or RSA) cost more per request than the rest of the
 * authentication. This remembers tokens the inner verifier ACCEPTED, keyed by the SHA-256 of the
 * exact token string (any other string, one character apart, is a different key and goes to the
 * inner verifier), until `exp + leeway` or `maxAgeMs`, whichever comes first. Refusals are never
 * remembered, so every refusal keeps its precise reason. Acceptance cannot change before `exp`:
 * the signature is over the exact bytes, and `nbf`/`iat` only get more acceptable as time passes.
 * Keying by a digest keeps the map's string comparisons away from token material and bounds an
 * entry's size whatever the token's length.
 */
export class VerifiedTokenCache implements AccessTokenVerifier {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(
    private readonly inner: AccessTokenVerifier,
    private readonly settings: VerifiedTokenCacheSettings,
  ) {
    this.maxEntries = settings.maxEntries ?? 10_000;
    this.maxAgeMs = settings.maxAgeMs ?? 60_000;
    this.now = settings.now ?? Date.now;
  }

  async verify(token: string): Promise<VerifiedAccessToken> {
    const key = hash('sha256', token, 'base64url'); // one-shot: no Hash object per request
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      if (now < hit.until) return hit.token;
      this.entries.delete(key);
    }
    const verified = await this.inner.verify(token);
    const until = Math.min(verified.expiresAt.getTime() + this.settings.leewaySeconds * 1000, now + this.maxAgeMs);
    if (until > now) this.remember(key, { token: verified, until });
    return verified;
  }

  /** Entries held now (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  private remember(key: string, entry: Entry): void {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(key, entry);
  }
}
