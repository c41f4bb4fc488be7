/**
 * What an interop suite does when the Debian Django packages are missing: in CI the suite fails
 * (a silently skipped interop suite proves nothing), on a developer machine it is skipped, and
 * the closing summary of the run says so and why.
 */
import { skipLoudly, type SkippableContext } from '../../support/loud-skip.js';
import { djangoAvailable } from './django-server.js';

export { isCi } from '../../support/ci.js';

export const DJANGO_MISSING = 'Django + simplejwt are not installed: run tests/interop/install-django.sh';

/** Call first in a suite's before() hook. */
export async function requireDjango(
  context: SkippableContext,
  available: () => Promise<boolean> = djangoAvailable,
  env: Record<string, string | undefined> = process.env,
): Promise<void> {
  if (await available()) return;
  skipLoudly(context, DJANGO_MISSING, env);
}
