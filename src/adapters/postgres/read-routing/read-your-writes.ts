import { AsyncLocalStorage } from 'node:async_hooks';

const SWEEP_AT = 10_000;

/** `primary`: the client asked for primary reads (X-Read-Consistency: primary). */
export type RequestKind = 'read' | 'write' | 'primary';

interface Scope {
  readonly userId: string | undefined;
  primary: boolean;
}

/**
 * Replicas may trail the primary by up to REPLICA_MAX_LAG_MS, so a user who just wrote could read
 * an older state from one. For `windowMs` after a user's write, every read made for that user
 * (same token `user_id`) goes to the primary, as does any read later in the writing request, and
 * any request that asks for it (`X-Read-Consistency: primary`, for clients that cannot rely on
 * one instance seeing all their writes). Per service instance: see docs/operations.md, "Topology".
 */
export class ReadYourWrites {
  private readonly scopes = new AsyncLocalStorage<Scope>();
  /** user id → time of the last write (ms); pruned as it is read. */
  private readonly recentWriters = new Map<string, number>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs one request's work in a scope that knows who it is for. A `write` request (any method
   * that changes state) reads only from the primary, including the read a conditional update
   * makes first, and afterwards starts its user's window.
   */
  async run<T>(userId: string | undefined, kind: RequestKind, work: () => Promise<T>): Promise<T> {
    try {
      return await this.scopes.run({ userId, primary: kind !== 'read' }, work);
    } finally {
      if (kind === 'write' && userId !== undefined) this.remember(userId);
    }
  }

  /** Called by the repository's writes (writes through other adapters are covered by `run`). */
  noteWrite(): void {
    const scope = this.scopes.getStore();
    if (!scope) return;
    scope.primary = true;
    if (scope.userId !== undefined) this.remember(scope.userId);
  }

  private remember(userId: string): void {
    if (this.recentWriters.size >= SWEEP_AT) this.forgetExpired();
    this.recentWriters.set(userId, this.now());
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [userId, wroteAt] of this.recentWriters) {
      if (now - wroteAt >= this.windowMs) this.recentWriters.delete(userId);
    }
  }

  /** Whether the current read must see the primary. */
  primaryRequired(): boolean {
    const scope = this.scopes.getStore();
    if (!scope) return false;
    if (scope.primary || scope.userId === undefined) return scope.primary;
    const wroteAt = this.recentWriters.get(scope.userId);
    if (wroteAt === undefined) return false;
    if (this.now() - wroteAt < this.windowMs) return true;
    this.recentWriters.delete(scope.userId);
    return false;
  }
}
