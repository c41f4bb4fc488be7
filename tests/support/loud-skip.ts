import { isCi } from './ci.js';

/** Where the reason is kept on a mocha test or suite; the summary reporter reads it back. */
export const SKIP_REASON = Symbol.for('opportunities.test.skip-reason');

/** The part of mocha's `this` that skipping needs (a test, or a hook whose parent is its suite). */
export interface SkippableContext {
  skip(): void;
  readonly test?: { readonly type?: string; readonly parent?: object } | undefined;
}

/**
 * Skips the current test (or, from a `before` hook, its whole suite) with a reason that the
 * closing summary prints. In CI a missing component is a failure, never a skip: the error names
 * the reason, so nothing that was expected to run can pass silently there.
 */
export function skipLoudly(
  context: SkippableContext,
  reason: string,
  env: Record<string, string | undefined> = process.env,
): void {
  if (isCi(env)) throw new Error(`${reason} (CI is set: a missing component fails the run instead of skipping)`);
  const runnable = context.test;
  const scope = runnable?.type === 'hook' ? runnable.parent : runnable;
  if (scope) Object.defineProperty(scope, SKIP_REASON, { value: reason, configurable: true });
  context.skip();
}
