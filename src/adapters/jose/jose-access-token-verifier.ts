import {
  type CryptoKey,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
  type JWTVerifyResult,
} from 'jose';
import {
  type AccessTokenVerifier,
  TokenRejectedError,
  type TokenRejectionReason,
  type VerifiedAccessToken,
} from '../../application/ports/access-token-verifier.port.js';
import { readUserId } from './user-id-claim.js';

export interface ClaimNames {
  readonly userId: string;
  readonly tokenType: string;
  readonly tokenId: string;
}

export interface JoseVerifierSettings {
  /** The one accepted algorithm, like simplejwt's ALGORITHM. */
  readonly algorithm: string;
  /** Verification keys in the order they are tried (current secret first during a rotation). */
  readonly keys: readonly (CryptoKey | Uint8Array | JWTVerifyGetKey)[];
  readonly leewaySeconds: number;
  readonly audience?: string;
  readonly issuer?: string;
  readonly claims: ClaimNames;
  /** Larger tokens are refused before any decoding work. */
  readonly maxTokenBytes: number;
  readonly now?: () => number;
}

const ACCESS = 'access';
const MAX_EXP = 253_402_300_800;

/**
 * One key, or a JWKS. simplejwt sends no `kid`, so while a JWKS publishes two keys (a rotation)
 * both match: try each rather than refusing every token.
 */
async function verifyWithKey(
  token: string,
  key: CryptoKey | Uint8Array | JWTVerifyGetKey,
  options: JWTVerifyOptions,
): Promise<JWTVerifyResult> {
  try {
    return typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    for await (const candidate of error) {
      try {
        return await jwtVerify(token, candidate, options);
      } catch (inner) {
        if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}

/**
 * Verifies simplejwt access tokens with jose, applying simplejwt's checks in simplejwt's order:
 * signature and registered claims first, then `exp`, the token id, the token type and the user id.
 */
export class JoseAccessTokenVerifier implements AccessTokenVerifier {
  /** Built once: verification options are the same for every request. */
  private readonly options: JWTVerifyOptions;

  constructor(private readonly settings: JoseVerifierSettings) {
    this.options = {
      algorithms: [settings.algorithm],
      clockTolerance: settings.leewaySeconds,
      ...(settings.audience === undefined ? {} : { audience: settings.audience }),
      ...(settings.issuer === undefined ? {} : { issuer: settings.issuer }),
    };
  }

  async verify(token: string): Promise<VerifiedAccessToken> {
    if (token.length > this.settings.maxTokenBytes) throw new TokenRejectedError('too_large');
    if (!isCanonicalCompact(token)) throw new TokenRejectedError('malformed');
    const payload = await this.verifySignature(token);
    return this.checkClaims(payload);
  }

  private async verifySignature(token: string): Promise<JWTPayload> {
    const { settings } = this;
    const now = settings.now?.() ?? Date.now();
    let lastError: unknown;
    for (const key of settings.keys) {
      try {
        const options = settings.now ? { ...this.options, currentDate: new Date(now) } : this.options;
        const { payload, protectedHeader } = await verifyWithKey(token, key, options);
        // jose honours `b64` only when listed in `crit`; PyJWT refuses it either way.
        if ('b64' in protectedHeader) throw new TokenRejectedError('unsupported_header');
        // jose only checks `iat` against the clock when a maximum age is set, and there must be no
        // maximum age here (simplejwt keeps the login `iat` in refreshed tokens). PyJWT refuses an
        // `iat` in the future, so do the same.
        if (payload.iat !== undefined && payload.iat > now / 1000 + settings.leewaySeconds) {
          throw new TokenRejectedError('issued_in_future', loggableClaims(payload, settings.claims));
        }
        return payload;
      } catch (error) {
        lastError = error;
        // Only a signature mismatch is worth trying the next key for.
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) break;
      }
    }
    throw toRejection(lastError, settings.claims);
  }

  private checkClaims(payload: JWTPayload): VerifiedAccessToken {
    const names = this.settings.claims;
    const tokenId = payload[names.tokenId];
    const userIdClaim = payload[names.userId];
    const trusted = loggableClaims(payload, names);
    const reject = (reason: TokenRejectionReason): never => {
      throw new TokenRejectedError(reason, trusted);
    };
    if (payload.exp === undefined) reject('missing_exp');
    // Python's datetime ends at 9999-12-31: simplejwt cannot accept a later (or infinite) `exp`.
    if (!Number.isFinite(payload.exp) || (payload.exp as number) >= MAX_EXP) reject('invalid_claim');
    if (tokenId === undefined) reject('missing_jti');
    if (typeof tokenId !== 'string' || tokenId.length === 0 || tokenId.length > 255) reject('invalid_claim');
    const tokenType = payload[names.tokenType];
    if (tokenType === undefined) reject('missing_type');
    if (tokenType !== ACCESS) reject('wrong_type');
    if (userIdClaim === undefined) reject('missing_user_id');
    const userId = readUserId(userIdClaim);
    if (userId === null) return reject('invalid_claim');
    const role = payload.role;
    const email = payload.email;
    return {
      userId,
      role: typeof role === 'string' ? role : null,
      email: typeof email === 'string' ? email : null,
      tokenId: tokenId as string,
      expiresAt: new Date((payload.exp as number) * 1000),
    };
  }
}

/**
 * Three base64url segments in their one canonical spelling: unpadded, and with the unused low bits
 * of the last character zero. A decoder ignores those bits, so without this check a key holder's
 * token has up to 16 spellings per segment (RFC 4648 section 3.5 lets a decoder refuse them).
 */
function isCanonicalCompact(token: string): boolean {
  const segments = token.split('.');
  return (
    segments.length === 3 &&
    segments.every(
      (part) => /^[A-Za-z0-9_-]*$/.test(part) && Buffer.from(part, 'base64url').toString('base64url') === part,
    )
  );
}

/** The claims a refusal may log: only ever taken from a payload whose signature was valid. */
function loggableClaims(payload: JWTPayload, names: ClaimNames): { tokenId?: string; userId?: string } {
  const tokenId = payload[names.tokenId];
  const userId = readUserId(payload[names.userId]);
  return {
    ...(typeof tokenId === 'string' ? { tokenId: tokenId.slice(0, 64) } : {}),
    ...(userId === null ? {} : { userId }),
  };
}

function toRejection(error: unknown, names: ClaimNames): Error {
  if (error instanceof TokenRejectedError) return error;
  // jose raises these two only after the signature checked out.
  const signed = error instanceof errors.JWTExpired || error instanceof errors.JWTClaimValidationFailed;
  const trusted = signed ? loggableClaims(error.payload, names) : {};
  const reject = (reason: TokenRejectionReason) => new TokenRejectedError(reason, trusted);
  if (error instanceof errors.JWTExpired) return reject('expired');
  if (error instanceof errors.JWSSignatureVerificationFailed) return reject('bad_signature');
  if (error instanceof errors.JOSEAlgNotAllowed) return reject('unsupported_algorithm');
  if (error instanceof errors.JOSENotSupported) return reject('unsupported_header');
  if (error instanceof errors.JWKSNoMatchingKey) return reject('unknown_key');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return reject('key_unavailable');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const byClaim: Record<string, TokenRejectionReason> = {
      nbf: 'not_yet_valid',
      aud: 'bad_audience',
      iss: 'bad_issuer',
    };
    return reject(byClaim[error.claim] ?? 'invalid_claim');
  }
  if (error instanceof errors.JOSEError) return reject('malformed');
  // Anything else (a bug, a key that failed to load) is not the client's fault: let it surface.
  return error instanceof Error ? error : new Error(String(error));
}
