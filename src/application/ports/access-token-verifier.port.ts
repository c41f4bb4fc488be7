/**
 * Verifies the access tokens the mobile app obtained from the Django backend (simplejwt).
 * The core only needs who the token speaks for; how tokens are checked is an adapter's concern.
 */
export interface VerifiedAccessToken {
  readonly userId: string;
  readonly role: string | null;
  readonly email: string | null;
  readonly tokenId: string;
  readonly expiresAt: Date;
}

/**
 * Why a token was refused. `expired` is kept apart from everything else because it is the one
 * case where the client should refresh at Django and retry.
 */
export type TokenRejectionReason =
  | 'too_large'
  | 'malformed'
  | 'unsupported_algorithm'
  | 'unsupported_header'
  | 'bad_signature'
  | 'unknown_key'
  | 'key_unavailable'
  | 'expired'
  | 'not_yet_valid'
  | 'issued_in_future'
  | 'bad_audience'
  | 'bad_issuer'
  | 'wrong_type'
  | 'missing_exp'
  | 'missing_jti'
  | 'missing_type'
  | 'missing_user_id'
  | 'invalid_claim';

export class TokenRejectedError extends Error {
  constructor(
    readonly reason: TokenRejectionReason,
    /** Claims that are safe to log, present only when the signature was valid. */
    readonly trustedClaims: { readonly tokenId?: string; readonly userId?: string } = {},
  ) {
    super(`access token refused: ${reason}`);
  }
}

export interface AccessTokenVerifier {
  /** Resolves the verified token or rejects with TokenRejectedError. */
  verify(token: string): Promise<VerifiedAccessToken>;
}
