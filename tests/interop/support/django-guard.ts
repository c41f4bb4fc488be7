/**
 * What an interop suite does when the Debian Django packages are missing: in CI the suite fails
 * (a silently skipped interop suite proves nothing), on a developer machine it is skipped with a
 * message saying how to install them.
 */
import { djangoAvailable } from './django-server.js';

export const DJANGO_MISSING = 'Django + simplejwt are not installed: run tests/interop/install-django.sh';

/** CI=true (or any value other than empty, "0" and "false"), as set by the usual CI systems. */
export function isCi(env: Record<string, string | undefined> = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

export interface SkippableContext {
  skip(): void;
}

/** Call first in a suite's before() hook. */
export async function requireDjango(
  context: SkippableContext,
  available: () => Promise<boolean> = djangoAvailable,
  env: Record<string, string | undefined> = process.env,
  warn: (message: string) => void = (message) => console.warn(message),
): Promise<void> {
  if (await available()) return;
  if (isCi(env)) throw new Error(DJANGO_MISSING);
  warn(`      skipping the interop suite: ${DJANGO_MISSING}`);
  context.skip();
}
