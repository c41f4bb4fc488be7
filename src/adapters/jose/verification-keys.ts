import { readFile } from 'node:fs/promises';
import { createRemoteJWKSet, type CryptoKey, customFetch, importSPKI, type JWTVerifyGetKey } from 'jose';

/** Runs the JWKS fetch inside a client span when tracing is on (the OpenTelemetry adapter implements it). */
export type TracedFetch = <T>(
  name: string,
  attributes: Readonly<Record<string, string>>,
  call: () => Promise<T>,
) => Promise<T>;

export interface KeySettings {
  readonly algorithm: string;
  readonly secret?: string | undefined;
  readonly previousSecret?: string | undefined;
  /** PEM text, or a path to a PEM file. */
  readonly publicKey?: string | undefined;
  readonly jwksUrl?: string | undefined;
  /** Tracing: the JWKS fetch (at the first token, then when a key is unknown or the cache is old) becomes a span. */
  readonly traced?: TracedFetch | undefined;
}

export type VerificationKey = CryptoKey | JWTVerifyGetKey;

/**
 * Imports the verification keys once, at start-up: importing per request costs a third of the
 * verification throughput. HS* secrets become non-extractable HMAC keys (current first, then the
 * previous one during a rotation); RS and ES algorithms use a PEM public key or a cached remote JWKS.
 */
export async function loadVerificationKeys(settings: KeySettings): Promise<VerificationKey[]> {
  const { algorithm } = settings;
  if (algorithm.startsWith('HS')) {
    const secrets = [settings.secret, settings.previousSecret].filter((s): s is string => s !== undefined);
    if (secrets.length === 0) throw new Error('JWT_SECRET is required for HS* algorithms');
    return Promise.all(secrets.map((secret) => importHmacKey(secret, algorithm)));
  }
  if (settings.publicKey) {
    const pem = settings.publicKey.includes('-----BEGIN')
      ? settings.publicKey
      : await readFile(settings.publicKey, 'utf8');
    return [await importSPKI(pem, algorithm)];
  }
  if (settings.jwksUrl) {
    const url = new URL(settings.jwksUrl);
    const { traced } = settings;
    // The span names the key set's address, never a query string or credentials in the URL.
    const attributes = {
      'http.request.method': 'GET',
      'server.address': url.hostname,
      'url.full': `${url.origin}${url.pathname}`,
    };
    return [
      createRemoteJWKSet(url, {
        timeoutDuration: 2_000,
        // An unknown `kid` refetches the set at most once per cooldown.
        cooldownDuration: 30_000,
        cacheMaxAge: 10 * 60_000,
        ...(traced
          ? { [customFetch]: (href, options) => traced('jwks_fetch', attributes, () => fetch(href, options)) }
          : {}),
      }),
    ];
  }
  throw new Error('JWT_PUBLIC_KEY or JWT_JWKS_URL is required for RS and ES algorithms');
}

function importHmacKey(secret: string, algorithm: string): Promise<CryptoKey> {
  const hash = `SHA-${algorithm.slice(2)}`;
  return crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash }, false, ['verify']);
}
