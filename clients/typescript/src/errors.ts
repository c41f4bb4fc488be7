/**
 * The session cannot be continued: there are no tokens, or Django refused the refresh token
 * (expired, blacklisted after a rotation, user disabled). The token store has been cleared;
 * the app should show its sign-in screen.
 */
export class SignInRequiredError extends Error {
  readonly code = 'sign_in_required';

  constructor(
    readonly reason: 'no_tokens' | 'refresh_refused',
    message = reason === 'no_tokens' ? 'Not signed in' : 'The session expired: sign in again',
  ) {
    super(message);
    this.name = 'SignInRequiredError';
  }
}

/** Django refused the credentials at sign-in (its `detail` says why). */
export class SignInFailedError extends Error {
  readonly code = 'sign_in_failed';

  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'SignInFailedError';
  }
}

/**
 * Django answered something other than tokens or a refusal (5xx, not JSON). Transient: the
 * stored tokens are kept, so the app can try again later without signing in.
 */
export class AuthServerError extends Error {
  readonly code = 'auth_server_error';

  constructor(readonly status: number) {
    super(`The sign-in server answered ${status}`);
    this.name = 'AuthServerError';
  }
}
