/**
 * Builds JWTs byte by byte with node:crypto, so tests can produce what jose refuses to sign:
 * `alg: none`, odd headers, dotted or padded segments, wrong claim types, key confusion.
 */
import { constants, createHmac, randomBytes, sign } from 'node:crypto';

/** Returns the signature segment (base64url) for a signing input `header.payload`. */
export type Signer = (signingInput: string) => string;

export type Claims = Record<string, unknown>;

export const b64u = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

export const segment = (value: unknown): string => b64u(JSON.stringify(value));

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

const HASH: Record<string, string> = { '256': 'sha256', '384': 'sha384', '512': 'sha512' };

function hashOf(alg: string): string {
  const hash = HASH[alg.slice(2)];
  if (!hash) throw new Error(`no hash for ${alg}`);
  return hash;
}

/** HS256/384/512 with `key` as the raw HMAC secret (a string is used as its UTF-8 bytes). */
export function hmacSigner(alg: string, key: string | Buffer): Signer {
  return (input) => createHmac(hashOf(alg), key).update(input).digest('base64url');
}

/** RS256/384/512 (PKCS#1 v1.5), or PS256/384/512 (PSS) with `pss`. */
export function rsaSigner(alg: string, privateKeyPem: string): Signer {
  const pss = alg.startsWith('PS');
  return (input) =>
    sign(
      hashOf(alg),
      Buffer.from(input),
      pss ? { key: privateKeyPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : privateKeyPem,
    ).toString('base64url');
}

/** A fixed signature segment, e.g. '' for `alg: none`. */
export const literalSignature =
  (signature: string): Signer =>
  () =>
    signature;

/** `header.payload.signature` where both segments are given as text (already encoded). */
export function signSegments(headerSegment: string, payloadSegment: string, signer: Signer): string {
  const input = `${headerSegment}.${payloadSegment}`;
  return `${input}.${signer(input)}`;
}

export function craft(header: unknown, payload: unknown, signer: Signer): string {
  return signSegments(segment(header), segment(payload), signer);
}

/**
 * The claims simplejwt 5.2.2 puts in an access token, in its order. `overrides` replace or add
 * claims; an override set to undefined removes the claim (JSON.stringify drops it).
 */
export function accessClaims(userId: unknown, overrides: Claims = {}, now = nowSeconds()): Claims {
  return {
    token_type: 'access',
    exp: now + 300,
    iat: now,
    jti: randomBytes(16).toString('hex'),
    user_id: userId,
    email: 'differential@example.com',
    role: 'user',
    ...overrides,
  };
}

/**
 * The payload segment of `claims` with JSON whitespace appended until the JSON's length is
 * `remainder` modulo 3. With 0 the base64url text has a length divisible by 4 (no padding needed):
 * a dot or another stray character inserted at a multiple of 4 is then silently dropped by a
 * lenient (Python binascii) decoder and the segment still decodes. With 1 it needs "==" padding.
 */
export function alignedPayloadSegment(claims: Claims, remainder: 0 | 1 | 2 = 0): string {
  let json = JSON.stringify(claims);
  while (Buffer.byteLength(json) % 3 !== remainder) json += ' ';
  return b64u(json);
}

/** Inserts `text` into `value` at each of the given positions (counted in the original string). */
export function insertAt(value: string, positions: number[], text: string): string {
  let result = '';
  let from = 0;
  for (const position of positions) {
    result += value.slice(from, position) + text;
    from = position;
  }
  return result + value.slice(from);
}

/** Decodes one segment of a compact token as JSON (tests only; no checks). */
export function decodeSegment(token: string, index: 0 | 1): Claims {
  const part = token.split('.')[index];
  if (part === undefined) throw new Error('token has too few segments');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Claims;
}
