import { expect } from 'chai';

/**
 * The error a promise rejects with. When it resolves instead, the test fails with what it
 * resolved to, so the failure explains itself (a bare `expect.fail` inside a try block says
 * nothing, and an assertion failing inside the try is swallowed by the catch).
 */
export async function rejection(
  promise: Promise<unknown> | (() => Promise<unknown>),
  what = 'the promise',
): Promise<unknown> {
  let value: unknown;
  try {
    // A function is called here, so a synchronous throw before its promise exists counts too.
    value = await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    return error;
  }
  return expect.fail(`expected ${what} to reject, but it resolved with ${describe(value)}`);
}

/** The error `action` throws; the synchronous twin of `rejection`. */
export function thrown(action: () => unknown, what = 'the call'): unknown {
  let value: unknown;
  try {
    value = action();
  } catch (error) {
    return error;
  }
  return expect.fail(`expected ${what} to throw, but it returned ${describe(value)}`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value)?.slice(0, 300) ?? String(value);
  } catch {
    return String(value);
  }
}
