export { createOpportunitiesClient, type OpportunitiesClient, type OpportunitiesClientOptions } from './client.js';
export { DEFAULT_AUTH_PATHS, type DjangoAuthPaths } from './django-auth.js';
export { AuthServerError, SignInFailedError, SignInRequiredError } from './errors.js';
export type { components, operations, paths } from './generated/openapi.js';
export { MemoryTokenStore, type Tokens, type TokenStore } from './token-store.js';
export { DEFAULT_RETRY_BUDGET_MS, isSafeToRepeat, MAX_RETRY_BUDGET_MS, type RetryOptions } from './retrying-fetch.js';
