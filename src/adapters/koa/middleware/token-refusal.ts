import type { TokenRejectionReason } from '../../../application/ports/access-token-verifier.port.js';
import type { Problem } from '../problem.js';

const REALM = 'Bearer realm="api"';
const NOT_VALID = 'Given token not valid for any token type';

/** simplejwt's messages (5.5 wording: expired and invalid told apart) and the RFC 6750 description. */
const MESSAGES: Record<TokenRejectionReason, { message: string; description: string }> = {
  expired: { message: 'Token is expired', description: 'The access token expired' },
  wrong_type: { message: 'Token has wrong type', description: 'Only access tokens are accepted' },
  missing_exp: { message: "Token has no 'exp' claim", description: 'The access token has no expiry' },
  missing_jti: { message: 'Token has no id', description: 'The access token has no id' },
  missing_type: { message: 'Token has no type', description: 'The access token has no type' },
  missing_user_id: { message: 'Token contained no recognizable user identification', description: 'No user id' },
  too_large: { message: 'Token is invalid', description: 'The access token is too large' },
  malformed: { message: 'Token is invalid', description: 'The access token is malformed' },
  unsupported_algorithm: { message: 'Token is invalid', description: 'The token algorithm is not accepted' },
  unsupported_header: { message: 'Token is invalid', description: 'The token header is not supported' },
  bad_signature: { message: 'Token is invalid', description: 'The token signature is invalid' },
  unknown_key: { message: 'Token is invalid', description: 'The token signing key is unknown' },
  key_unavailable: { message: 'Token is invalid', description: 'The token could not be checked' },
  not_yet_valid: { message: 'Token is invalid', description: 'The access token is not valid yet' },
  issued_in_future: { message: 'Token is invalid', description: 'The access token is issued in the future' },
  bad_audience: { message: 'Token is invalid', description: 'The access token audience is not accepted' },
  bad_issuer: { message: 'Token is invalid', description: 'The access token issuer is not accepted' },
  invalid_claim: { message: 'Token is invalid', description: 'The access token has an invalid claim' },
};

function unauthorized(detail: string, code: string, authenticate: string, extra?: Record<string, unknown>): Problem {
  return {
    status: 401,
    code,
    title: 'Unauthorized',
    detail,
    headers: { 'WWW-Authenticate': authenticate },
    ...(extra ? { extra } : {}),
  };
}

export const notAuthenticated = (): Problem =>
  unauthorized('Authentication credentials were not provided.', 'not_authenticated', REALM);

export const badAuthorizationHeader = (): Problem =>
  unauthorized(
    'Authorization header must contain two space-delimited values',
    'bad_authorization_header',
    `${REALM}, error="invalid_request", error_description="The Authorization header must be: Bearer <token>"`,
  );

/**
 * A refused token, shaped like simplejwt's answer so the app's existing parsing keeps working,
 * plus `token_error`: `expired` means refreshing at Django can help, anything else means it cannot.
 */
export function tokenRefused(reason: TokenRejectionReason): Problem {
  const { message, description } = MESSAGES[reason];
  const authenticate = `${REALM}, error="invalid_token", error_description="${description}"`;
  if (reason === 'missing_user_id') {
    return unauthorized(message, 'token_not_valid', authenticate, { token_error: 'invalid' });
  }
  return unauthorized(NOT_VALID, 'token_not_valid', authenticate, {
    token_error: reason === 'expired' ? 'expired' : 'invalid',
    messages: [{ token_class: 'AccessToken', token_type: 'access', message }],
  });
}
