import type { DjangoAuth } from './django-auth.js';
import { SignInRequiredError } from './errors.js';
import type { TokenStore } from './token-store.js';

/**
 * The tokens of one signed-in user and the one refresh that may be running. Every request that
 * finds its access token expired asks `refreshAfter(theTokenItUsed)`: while a refresh runs they
 * all wait for it (single flight); a request that used a token already replaced gets the new one
 * without another call to Django.
 */
export class TokenSession {
  private refreshing: Promise<string> | null = null;

  constructor(
    private readonly store: TokenStore,
    private readonly auth: DjangoAuth,
  ) {}

  async accessToken(): Promise<string | null> {
    return (await this.store.load())?.access ?? null;
  }

  refreshAfter(staleAccess: string): Promise<string> {
    this.refreshing ??= this.refresh(staleAccess).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async refresh(staleAccess: string): Promise<string> {
    const tokens = await this.store.load();
    if (!tokens) throw new SignInRequiredError('no_tokens');
    if (tokens.access !== staleAccess) return tokens.access; // refreshed meanwhile
    const result = await this.auth.refresh(tokens.refresh);
    if (!result.ok) {
      await this.store.clear();
      throw new SignInRequiredError('refresh_refused');
    }
    await this.store.save({ access: result.access, refresh: result.refresh ?? tokens.refresh });
    return result.access;
  }
}
