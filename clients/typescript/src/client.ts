import createClient, { type Client } from 'openapi-fetch';
import { authenticatedFetch } from './authenticated-fetch.js';
import { type RetryOptions, retryingFetch } from './retrying-fetch.js';
import { DEFAULT_AUTH_PATHS, DjangoAuth, type DjangoAuthPaths } from './django-auth.js';
import type { paths } from './generated/openapi.js';
import { TokenSession } from './token-session.js';
import type { TokenStore } from './token-store.js';

export interface OpportunitiesClientOptions {
  /** Where the Opportunities service answers, e.g. `https://opportunities.example.com`. */
  readonly baseUrl: string;
  /** Where Django answers `POST /api/auth/login/` and `POST /api/auth/refresh/`. */
  readonly djangoBaseUrl: string;
  readonly tokenStore: TokenStore;
  readonly authPaths?: DjangoAuthPaths;
  /** Defaults to the global fetch (looked up at each call). */
  readonly fetch?: typeof fetch;
  /**
   * Makes the Idempotency-Key of a POST sent without one. Default: `crypto.randomUUID()` where the
   * platform has it (browsers, Node; React Native with a polyfill such as expo-crypto), else none.
   * `false`: never add one (such POSTs are then never retried).
   */
  readonly idempotencyKeys?: (() => string) | false;
  /**
   * Retries of calls that are safe to repeat, on 503 and network errors (see the README): budget
   * 30 s by default, at most 120 s; `{ budgetMs: 0 }` turns them off.
   */
  readonly retry?: RetryOptions;
}

function defaultIdempotencyKeys(): (() => string | undefined) | undefined {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return crypto?.randomUUID ? () => crypto.randomUUID?.() : undefined;
}

export interface OpportunitiesClient {
  /** The typed API: `api.GET('/api/v1/opportunities', { params: { query: { limit: 10 } } })`. */
  readonly api: Client<paths>;
  /** Signs in at Django and stores the tokens; throws SignInFailedError on bad credentials. */
  signIn(credentials: Readonly<Record<string, string>>): Promise<void>;
  signOut(): Promise<void>;
}

export function createOpportunitiesClient(options: OpportunitiesClientOptions): OpportunitiesClient {
  const fetchFn: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const auth = new DjangoAuth(options.djangoBaseUrl, fetchFn, options.authPaths ?? DEFAULT_AUTH_PATHS);
  const session = new TokenSession(options.tokenStore, auth);
  const api = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/$/, ''),
    // Retries run under the token layer: each repeat carries the same token and Idempotency-Key.
    fetch: authenticatedFetch(
      session,
      retryingFetch((request) => fetchFn(request), options.retry),
      {
        newIdempotencyKey:
          options.idempotencyKeys === false ? undefined : (options.idempotencyKeys ?? defaultIdempotencyKeys()),
      },
    ),
  });
  return {
    api,
    signIn: async (credentials) => options.tokenStore.save(await auth.login(credentials)),
    signOut: () => options.tokenStore.clear(),
  };
}
