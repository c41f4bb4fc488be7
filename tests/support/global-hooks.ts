import type { Context, Suite, Test } from 'mocha';
import { isCi } from './ci.js';
import { dropTestDatabase, lingeringSessions } from './test-database.js';

/**
 * Root hooks for every run (`require` in .mocharc.json). The run does not use mocha's `exit`
 * option: a socket, timer or child process that a test forgets to close would keep Node alive,
 * so after the last test this checks that no database session is left on the run's database and
 * that every handle opened since the start is closed again, and fails naming what is still open
 * (then exits, rather than hanging the run).
 */
const LEAK_GRACE_MS = 5_000;
const atStart = countByType(process.getActiveResourcesInfo());

export const mochaHooks = {
  async afterAll(this: Context): Promise<void> {
    // Mocha arms this hook's timeout timer once the hook has returned its promise (even with a
    // timeout of 0): disarm it after the first turn, or it would count as a leaked handle.
    await Promise.resolve();
    this.runnable().clearTimeout();
    const root = this.test?.parent as Suite | undefined;
    try {
      if (root && isCi()) failOnSkips(root);
    } finally {
      const sessions = await lingeringSessions(LEAK_GRACE_MS);
      await dropTestDatabase();
      await failOnLeaks(sessions);
    }
  },
};

/** In CI nothing may be skipped, including a bare `it.skip` left in the code. */
function failOnSkips(root: Suite): void {
  const skipped = allTests(root).filter((test) => test.isPending());
  if (skipped.length > 0) {
    throw new Error(
      `CI is set and ${skipped.length} tests were skipped:\n${skipped.map((t) => t.fullTitle()).join('\n')}`,
    );
  }
}

async function failOnLeaks(sessions: string[]): Promise<void> {
  const deadline = Date.now() + LEAK_GRACE_MS;
  let leaked = leakedSinceStart();
  while (leaked.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    leaked = leakedSinceStart();
  }
  const problems = [
    ...(sessions.length > 0 ? [`database sessions never closed:\n  ${sessions.join('\n  ')}`] : []),
    ...(leaked.length > 0 ? [`handles still open ${LEAK_GRACE_MS} ms after the last test: ${leaked.join(', ')}`] : []),
  ];
  if (problems.length === 0) return;
  // Reported as the failure of this hook; then the still-open handles cannot hold the run.
  if (leaked.length > 0) setTimeout(() => process.exit(), 1_000).unref();
  throw new Error(problems.join('\n'));
}

function leakedSinceStart(): string[] {
  const now = countByType(process.getActiveResourcesInfo());
  return [...now]
    .filter(([type, count]) => count > (atStart.get(type) ?? 0))
    .map(([type, count]) => `${count - (atStart.get(type) ?? 0)} × ${type}`);
}

function countByType(types: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const type of types) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

function allTests(suite: Suite): Test[] {
  return [...suite.tests, ...suite.suites.flatMap(allTests)];
}
