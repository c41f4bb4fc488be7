/**
 * The token corpus of the differential suite. Each case says what simplejwt 5.2.2 (PyJWT 2.6)
 * does with the token alone, from its source and /work/shared/reference/simplejwt.md; the suite
 * checks that against the real Django and then compares the service with it.
 */
import { randomUUID } from 'node:crypto';
import {
  accept,
  algWith,
  buildDependent,
  claimsWith,
  type CorpusCase,
  duplicateUserId,
  header,
  headerWith,
  invalidUtf8,
  jweShaped,
  nonCanonicalSignature,
  now,
  payloadBytes,
  payloadSegment,
  refuse,
  secretOf,
  spkiDer,
  spliced,
  tamper,
} from './corpus-builders.js';
import {
  alignedPayloadSegment,
  b64u,
  craft,
  hmacSigner,
  literalSignature,
  rsaSigner,
  segment,
  signSegments,
} from './jwt-craft.js';

export type { CorpusCase, PairContext, Verdict } from './corpus-builders.js';

const noneCases: CorpusCase[] = ['none', 'None', 'NONE', 'nOnE'].flatMap((alg) => [
  refuse(
    `alg "${alg}", empty signature`,
    algWith(alg, () => literalSignature('')),
  ),
  refuse(
    `alg "${alg}", signature of the right key`,
    algWith(alg, (p) => p.sign),
  ),
]);

/** Cases for an HS256 pair (JWT_LEEWAY=10 on both sides, no audience or issuer configured). */
export const HS_CORPUS: CorpusCase[] = [
  accept('simplejwt access token (login)', (p) => p.real.access),
  accept('simplejwt access token (refresh endpoint, login iat)', (p) => p.real.refreshed),
  refuse('simplejwt refresh token', (p) => p.real.refresh),
  accept('crafted like simplejwt', claimsWith({})),
  ...noneCases,
  refuse(
    'HS512 signed with the right secret',
    algWith('HS512', (p) => hmacSigner('HS512', secretOf(p))),
  ),
  refuse(
    'HS384 signed with the right secret',
    algWith('HS384', (p) => hmacSigner('HS384', secretOf(p))),
  ),
  refuse(
    'RS256 signed with an RSA key',
    algWith('RS256', (p) => rsaSigner('RS256', p.privateKeyPem)),
  ),
  refuse('signed with another secret', (p) => craft(header(p), p.claims(), p.otherSign)),
  refuse('tampered payload (user_id changed, signature kept)', (p) => tamper(p.real.access, { user_id: randomUUID() })),
  refuse('signature removed', (p) => `${p.real.access.split('.').slice(0, 2).join('.')}.`),
  refuse('no exp', claimsWith({ exp: undefined })),
  refuse('no jti', claimsWith({ jti: undefined })),
  refuse('no token_type', claimsWith({ token_type: undefined })),
  refuse('no user_id', claimsWith({ user_id: undefined })),
  accept('no iat', claimsWith({ iat: undefined })),
  accept('user_id integer (simplejwt 5.2.2 integer keys)', claimsWith({ user_id: 42 }), '42'),
  accept('user_id numeric string (simplejwt 5.5.1 integer keys)', claimsWith({ user_id: '42' }), '42'),
  accept(
    'user_id object',
    claimsWith((p) => ({ user_id: { id: p.userId } })),
  ),
  accept(
    'user_id array',
    claimsWith((p) => ({ user_id: [p.userId] })),
  ),
  accept('user_id empty string', claimsWith({ user_id: '' })),
  accept('user_id true', claimsWith({ user_id: true })),
  accept('user_id float', claimsWith({ user_id: 1.5 })),
  accept('user_id null', claimsWith({ user_id: null })),
  accept('user_id of 256 characters', claimsWith({ user_id: 'u'.repeat(256) })),
  accept(
    'user_id integer beyond 2^53 (not exact in JavaScript)',
    payloadBytes((json) => Buffer.from(json.replace(/"user_id":"[^"]*"/, '"user_id":9007199254740993'))),
  ),
  accept('user_id negative integer', claimsWith({ user_id: -1 }), '-1'),
  accept('user_id given twice (JSON: the last one wins)', duplicateUserId),
  refuse(
    'exp as a numeric string',
    claimsWith(() => ({ exp: String(now() + 300) })),
  ),
  refuse(
    'iat as a numeric string',
    claimsWith(() => ({ iat: String(now()) })),
  ),
  accept(
    'nbf as a numeric string, in the past',
    claimsWith(() => ({ nbf: String(now() - 60) })),
  ),
  accept('exp 9999-12-31T23:59:59Z (the last second Python datetime holds)', claimsWith({ exp: 253_402_300_799 })),
  refuse('exp in the year 318857 (beyond Python datetime)', claimsWith({ exp: 1e13 })),
  refuse(
    'exp 1e400 (Infinity in JavaScript)',
    payloadBytes((json) => Buffer.from(json.replace(/"exp":\d+/, '"exp":1e400'))),
  ),
  accept(
    'exp as a float',
    claimsWith(() => ({ exp: now() + 300.5 })),
  ),
  refuse('token_type "refresh"', claimsWith({ token_type: 'refresh' })),
  refuse('token_type "sliding"', claimsWith({ token_type: 'sliding' })),
  refuse('token_type "Access"', claimsWith({ token_type: 'Access' })),
  accept('jti as a number', claimsWith({ jti: 12345 })),
  accept('jti empty string', claimsWith({ jti: '' })),
  refuse(
    'expired 60 s ago',
    claimsWith(() => ({ iat: now() - 360, exp: now() - 60 })),
  ),
  accept(
    'expired 5 s ago (within the 10 s leeway)',
    claimsWith(() => ({ iat: now() - 305, exp: now() - 5 })),
  ),
  refuse(
    'iat 60 s in the future',
    claimsWith(() => ({ iat: now() + 60 })),
  ),
  accept(
    'iat 5 s in the future (within the leeway)',
    claimsWith(() => ({ iat: now() + 5 })),
  ),
  refuse(
    'nbf 60 s in the future',
    claimsWith(() => ({ nbf: now() + 60 })),
  ),
  accept(
    'nbf 5 s in the future (within the leeway)',
    claimsWith(() => ({ nbf: now() + 5 })),
  ),
  accept('aud and iss present, none configured', claimsWith({ aud: 'someone-else', iss: 'https://elsewhere.test' })),
  buildDependent(
    accept(
      'crit header naming an unknown extension',
      headerWith({ crit: ['urn:example:ext'], 'urn:example:ext': true }),
    ),
    'PyJWT: Debian 2.6.0-1 ignores "crit" (accept); 2.6.0-1+deb12u1 (CVE-2026-32597 fix) refuses unknown extensions',
  ),
  accept('kid header', headerWith({ kid: 'some-key' })),
  accept('typ header missing', (p) => craft({ alg: p.alg }, p.claims(), p.sign)),
  accept('typ header "at+jwt"', headerWith({ typ: 'at+jwt' })),
  refuse('b64 false header without crit', headerWith({ b64: false })),
  refuse('b64 false header with crit ["b64"]', headerWith({ b64: false, crit: ['b64'] })),
  refuse('payload with invalid UTF-8 inside a string (signed)', payloadBytes(invalidUtf8)),
  accept(
    'payload JSON in UTF-16 (signed)',
    payloadBytes((json) => Buffer.from(json, 'utf16le')),
  ),
  accept(
    'payload JSON with a UTF-8 BOM (signed)',
    payloadBytes((json) => Buffer.from(`\ufeff${json}`)),
  ),
  refuse(
    'payload not base64url (signed)',
    payloadSegment(() => 'eyJ!!!'),
  ),
  refuse(
    'payload not JSON (signed)',
    payloadSegment(() => b64u('{"user_id":')),
  ),
  refuse(
    'payload a JSON array (signed)',
    payloadSegment(() => b64u('[1]')),
  ),
  refuse('header a JSON string (signed)', (p) => signSegments(b64u('"HS256"'), segment(p.claims()), p.sign)),
  accept('stray "*" inside the payload segment (signed)', spliced([4], '*')),
  accept('signature with non-zero unused trailing bits (same bytes)', nonCanonicalSignature),
  accept(
    'base64 "==" padding on the payload segment (signed)',
    payloadSegment((p) => `${alignedPayloadSegment(p.claims(), 1)}==`),
  ),
  refuse('4 segments: an extra segment appended', (p) => `${p.real.access}.${b64u('extra')}`),
  accept('4 segments: payload split by a dot (signed)', spliced([4], '.')),
  refuse('5 segments: JWE-shaped', jweShaped),
  accept('5 segments: payload split by two dots (signed)', spliced([4, 8], '.')),
  accept('oversized: 10 KB padding claim', claimsWith({ padding: 'x'.repeat(10_240) })),
];

/** Cases for an RS256 pair with AUDIENCE and ISSUER configured on both sides. */
export const RS_CORPUS: CorpusCase[] = [
  accept('simplejwt RS256 access token (login)', (p) => p.real.access),
  accept('crafted like simplejwt, RS256 with aud and iss', claimsWith({})),
  refuse(
    'key confusion: HS256 keyed with the public key PEM text',
    algWith('HS256', (p) => hmacSigner('HS256', p.publicKeyPem)),
  ),
  refuse(
    'key confusion: HS256 keyed with the public key DER bytes',
    algWith('HS256', (p) => hmacSigner('HS256', spkiDer(p))),
  ),
  refuse(
    'alg "none", RS pair',
    algWith('none', () => literalSignature('')),
  ),
  refuse(
    'RS512 signed with the right key',
    algWith('RS512', (p) => rsaSigner('RS512', p.privateKeyPem)),
  ),
  refuse(
    'PS256 signed with the right key',
    algWith('PS256', (p) => rsaSigner('PS256', p.privateKeyPem)),
  ),
  refuse('RS256 signed with another key', (p) => craft(header(p), p.claims(), p.otherSign)),
  refuse('aud of another API', claimsWith({ aud: 'another-api' })),
  refuse('iss of another issuer', claimsWith({ iss: 'https://elsewhere.test' })),
  refuse('no aud', claimsWith({ aud: undefined })),
  refuse('no iss', claimsWith({ iss: undefined })),
  accept(
    'aud a list containing the audience',
    claimsWith((p) => ({ aud: ['another-api', p.claims().aud] })),
  ),
  refuse('aud a list without the audience', claimsWith({ aud: ['another-api'] })),
];
