import { AuthServerError, SignInFailedError } from './errors.js';
import type { Tokens } from './token-store.js';

export interface DjangoAuthPaths {
  /** simplejwt's TokenObtainPairView. */
  readonly login: string;
  /** simplejwt's TokenRefreshView. */
  readonly refresh: string;
}

export const DEFAULT_AUTH_PATHS: DjangoAuthPaths = { login: '/api/auth/login/', refresh: '/api/auth/refresh/' };

export type RefreshResult =
  { readonly ok: true; readonly access: string; readonly refresh?: string } | { readonly ok: false };

/** Django's two token endpoints, as simplejwt serves them. */
export class DjangoAuth {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: typeof fetch,
    private readonly paths: DjangoAuthPaths = DEFAULT_AUTH_PATHS,
  ) {}

  /** `credentials` is what the login serializer reads: `{ email, password }` in the design. */
  async login(credentials: Readonly<Record<string, string>>): Promise<Tokens> {
    const { status, body } = await this.post(this.paths.login, credentials);
    if (status === 200 && typeof body.access === 'string' && typeof body.refresh === 'string') {
      return { access: body.access, refresh: body.refresh };
    }
    if (status >= 400 && status < 500) {
      throw new SignInFailedError(status, typeof body.detail === 'string' ? body.detail : 'Sign-in refused');
    }
    throw new AuthServerError(status);
  }

  /**
   * Exchanges the refresh token. `{ ok: false }` when Django refuses it (expired, blacklisted);
   * a server error throws instead, so a Django outage never signs the user out.
   */
  async refresh(refreshToken: string): Promise<RefreshResult> {
    const { status, body } = await this.post(this.paths.refresh, { refresh: refreshToken });
    if (status === 200 && typeof body.access === 'string') {
      // With ROTATE_REFRESH_TOKENS, Django also returns a new refresh token: the old one may be blacklisted.
      return { ok: true, access: body.access, ...(typeof body.refresh === 'string' ? { refresh: body.refresh } : {}) };
    }
    if (status === 400 || status === 401 || status === 403) return { ok: false };
    throw new AuthServerError(status);
  }

  private async post(path: string, payload: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const response = await this.fetchFn(new URL(path, this.baseUrl).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(payload),
    });
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      body = undefined;
    }
    const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    return { status: response.status, body: record };
  }
}
