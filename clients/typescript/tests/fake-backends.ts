/**
 * An in-process stand-in for Django's token endpoints and the service's 401 behaviour, to pin
 * the client's refresh rules exactly (counts, order, bodies). The real pair is exercised in
 * tests/interop/client-refresh.test.ts.
 */
const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });

export const expiredBody = {
  type: 'urn:opportunities:problem:token_not_valid',
  title: 'Unauthorized',
  status: 401,
  detail: 'Given token not valid for any token type',
  code: 'token_not_valid',
  token_error: 'expired',
  messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token is expired' }],
};

export class FakeBackends {
  /** Access tokens the service accepts right now. */
  readonly valid = new Set<string>(['access-1']);
  refreshTokens = new Set<string>(['refresh-1']);
  rotate = false;
  refreshCalls = 0;
  /** Requests that reached the service, as `METHOD path Authorization`. */
  readonly serviceCalls: string[] = [];
  refreshDelayMs = 20;
  private issued = 1;

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    if (url.origin === 'http://django.test') return this.django(url.pathname, request);
    const authorization = request.headers.get('authorization') ?? '';
    this.serviceCalls.push(`${request.method} ${url.pathname} ${authorization}`);
    if (request.method !== 'GET') await request.text();
    const token = authorization.replace(/^Bearer /, '');
    if (token === 'garbage') return json(401, { ...expiredBody, token_error: 'invalid' });
    if (!this.valid.has(token)) return json(401, expiredBody);
    return json(200, { next: null, previous: null, results: [] });
  };

  /** Expires every access token issued so far. */
  expireAccess(): void {
    this.valid.clear();
  }

  private async django(path: string, request: Request): Promise<Response> {
    const body = (await request.json()) as Record<string, string>;
    if (path === '/api/auth/login/') {
      return body.password === 'right'
        ? json(200, { access: 'access-1', refresh: 'refresh-1' })
        : json(401, { detail: 'No active account found with the given credentials' });
    }
    this.refreshCalls += 1;
    await new Promise((resolve) => setTimeout(resolve, this.refreshDelayMs));
    if (!this.refreshTokens.has(body.refresh ?? '')) {
      return json(401, { detail: 'Token is invalid or expired', code: 'token_not_valid' });
    }
    this.issued += 1;
    const access = `access-${this.issued}`;
    this.valid.add(access);
    if (!this.rotate) return json(200, { access });
    const refresh = `refresh-${this.issued}`;
    this.refreshTokens = new Set([refresh]);
    return json(200, { access, refresh });
  }
}
