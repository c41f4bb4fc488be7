/**
 * The vocabulary of the differential corpus: what a case is, the pair it is built for, and small
 * builders for tokens that differ from simplejwt's in one respect.
 */
import { createPublicKey, randomUUID } from 'node:crypto';
import {
  alignedPayloadSegment,
  b64u,
  type Claims,
  craft,
  insertAt,
  nowSeconds,
  segment,
  type Signer,
  signSegments,
} from './jwt-craft.js';

export type Verdict = 'accept' | 'refuse';

/** One Django + service pair configured alike, and what the cases need to build tokens for it. */
export interface PairContext {
  readonly alg: 'HS256' | 'RS256';
  /** The pair's signing key (HS secret or RSA private key). */
  readonly sign: Signer;
  /** A key neither side trusts, same algorithm. */
  readonly otherSign: Signer;
  /** The real Django user's id (a UUID string): crafted tokens speak for this user. */
  readonly userId: string;
  /** simplejwt-shaped access claims for `userId`, with aud/iss when the pair checks them. */
  claims(overrides?: Claims): Claims;
  /** Tokens issued by the pair's Django. */
  readonly real: { readonly access: string; readonly refreshed: string; readonly refresh: string };
  /** HS pair: the shared secret. */
  readonly secret: string | undefined;
  /** The RS pair's key pair (also used for RS signatures on the HS pair and key confusion). */
  readonly publicKeyPem: string;
  readonly privateKeyPem: string;
}

export interface CorpusCase {
  readonly name: string;
  /** What simplejwt 5.2.2 does with the token alone (JWTStatelessUserAuthentication). */
  readonly simplejwt: Verdict;
  /**
   * Set when simplejwt's verdict depends on the build of a library under it (a security update
   * that changes it, say): the suite then takes either verdict from the reference, reports which
   * one it saw, and still holds the service to the invariant (never accept what it refuses).
   */
  readonly dependsOn?: string;
  /** The owner the service must record when it accepts; the pair's user by default. */
  readonly createdBy?: string;
  token(pair: PairContext): string;
}

export const header = (pair: PairContext, extra: Claims = {}): Claims => ({ alg: pair.alg, typ: 'JWT', ...extra });
export const now = nowSeconds;

export type Build = (pair: PairContext) => string;
export const accept = (name: string, token: Build, createdBy?: string): CorpusCase => ({
  name,
  simplejwt: 'accept',
  token,
  ...(createdBy === undefined ? {} : { createdBy }),
});
export const refuse = (name: string, token: Build): CorpusCase => ({ name, simplejwt: 'refuse', token });
/** A case whose reference verdict is `simplejwt` on one library build and the opposite on another. */
export const buildDependent = (testCase: CorpusCase, dependsOn: string): CorpusCase => ({ ...testCase, dependsOn });

/** The pair's claims with `overrides`, signed; a function is called when the token is built (clock-relative values). */
export const claimsWith =
  (overrides: Claims | ((p: PairContext) => Claims)): Build =>
  (p) =>
    craft(header(p), p.claims(typeof overrides === 'function' ? overrides(p) : overrides), p.sign);
/** The pair's claims under a header with `extra` parameters, signed with the pair's key. */
export const headerWith =
  (extra: Claims): Build =>
  (p) =>
    craft(header(p, extra), p.claims(), p.sign);
/** The pair's claims under `{ alg, typ: 'JWT' }`, signed by `signer`. */
export const algWith =
  (alg: string, signer: (p: PairContext) => Signer): Build =>
  (p) =>
    craft({ alg, typ: 'JWT' }, p.claims(), signer(p));
/** A payload segment given as text, signed with the pair's key. */
export const payloadSegment =
  (text: (p: PairContext) => string): Build =>
  (p) =>
    signSegments(segment(header(p)), text(p), p.sign);
/** A payload given as bytes (odd encodings, JSON that JSON.stringify cannot produce), signed. */
export const payloadBytes = (bytes: (claimsJson: string) => Buffer): Build =>
  payloadSegment((p) => b64u(bytes(JSON.stringify(p.claims()))));
/** The payload segment with `text` inserted at the given multiples of 4, signed over the result. */
export const spliced = (positions: number[], text: string): Build =>
  payloadSegment((p) => insertAt(alignedPayloadSegment(p.claims()), positions, text));

export function secretOf(pair: PairContext): string {
  if (pair.secret === undefined) throw new Error('only an HS pair has a secret');
  return pair.secret;
}

export function tamper(token: string, changes: Claims): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Claims;
  return `${h}.${segment({ ...claims, ...changes })}.${s}`;
}

export function duplicateUserId(pair: PairContext): string {
  const json = JSON.stringify(pair.claims()).replace('"user_id":', `"user_id":"${randomUUID()}","user_id":`);
  return signSegments(segment(header(pair)), b64u(json), pair.sign);
}

/** The claims' JSON with a lone 0xFF byte inside the email string. */
export function invalidUtf8(json: string): Buffer {
  const [before, after] = json.split('@example.com') as [string, string];
  return Buffer.concat([Buffer.from(before), Buffer.from([0xff]), Buffer.from(`@example.com${after}`)]);
}

export function jweShaped(): string {
  const parts = [segment({ alg: 'dir', enc: 'A256GCM' }), '', b64u('123456789012'), b64u('ciphertext'), b64u('tag')];
  return parts.join('.');
}

export function spkiDer(pair: PairContext): Buffer {
  return createPublicKey(pair.publicKeyPem).export({ type: 'spki', format: 'der' });
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * The real token with the last signature character re-spelled: same decoded bytes (the unused
 * low bits of that character are set), so a lenient base64 decoder sees the same signature.
 */
export function nonCanonicalSignature(pair: PairContext): string {
  const [h, p, s] = pair.real.access.split('.') as [string, string, string];
  const unusedBits = [0, 0, 4, 2][s.length % 4] as number;
  const last = B64URL.indexOf(s.at(-1) as string);
  const respelled = B64URL[last | ((1 << unusedBits) - 1)] as string;
  return `${h}.${p}.${s.slice(0, -1)}${respelled}`;
}
