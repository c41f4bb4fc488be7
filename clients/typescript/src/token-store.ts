/** The pair Django's simplejwt hands out at sign-in. */
export interface Tokens {
  readonly access: string;
  readonly refresh: string;
}

/**
 * Where the app keeps its tokens. Asynchronous because the places a mobile app uses are
 * (Expo SecureStore, AsyncStorage); the README shows a SecureStore-backed one.
 */
export interface TokenStore {
  load(): Promise<Tokens | null>;
  save(tokens: Tokens): Promise<void>;
  clear(): Promise<void>;
}

/** Keeps tokens in memory only: for tests, scripts and server-side use. */
export class MemoryTokenStore implements TokenStore {
  private tokens: Tokens | null = null;

  constructor(initial?: Tokens) {
    this.tokens = initial ?? null;
  }

  async load(): Promise<Tokens | null> {
    return this.tokens;
  }

  async save(tokens: Tokens): Promise<void> {
    this.tokens = tokens;
  }

  async clear(): Promise<void> {
    this.tokens = null;
  }
}
