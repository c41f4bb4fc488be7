/**
 * Mocha root hooks (loaded by .mocharc.json): a test fails when a response it received does not
 * match the contract; a full, otherwise green run fails when a documented response was never
 * produced by any test.
 */
import { globSync } from 'node:fs';
import path from 'node:path';
import type { Context, Func } from 'mocha';
import { contractValidator, seenResponses, takeViolations } from './contract-recorder.js';

/**
 * Documented responses no test can provoke without fault injection into the running service.
 * Each entry is a deliberate, reviewed exception; anything else documented must be produced.
 */
const NOT_PRODUCIBLE = new Map<string, string>([
  ['#/components/responses/InternalError', 'a bare 500 needs a bug; its shape is the Problem schema'],
]);

const root = path.resolve(import.meta.dirname, '../../..');
const SUITES = ['tests/**/*.test.ts', 'clients/typescript/tests/**/*.test.ts'];
let failures = 0;

function isFullRun(context: Context): boolean {
  const loaded = new Set((context.test?.parent?.suites ?? []).map((suite) => suite.file));
  const all = SUITES.flatMap((pattern) => globSync(pattern, { cwd: root })).map((file) => path.join(root, file));
  return all.every((file) => loaded.has(file));
}

export function undocumentedGaps(): string[] {
  const seen = seenResponses();
  return contractValidator()
    .documentedResponses()
    .filter(
      ({ key, responseRef }) =>
        !seen.has(key) && !(responseRef && (seen.has(responseRef) || NOT_PRODUCIBLE.has(responseRef))),
    )
    .map(({ key, responseRef }) => (responseRef ? `${key} (${responseRef.split('/').pop()})` : key));
}

async function throwOnViolations(): Promise<void> {
  const violations = await takeViolations();
  if (violations.length > 0) {
    throw new Error(`response(s) not matching the OpenAPI contract:\n  ${violations.join('\n  ')}`);
  }
}

export const mochaHooks = {
  /**
   * The test itself fails (not a hook: a failing root hook would stop the whole run): its
   * function is wrapped to check, once it is done, the responses it received.
   */
  beforeEach(this: Context): void {
    const test = this.currentTest;
    const original = test?.fn;
    if (!test || !original || original.length > 0) return; // callback-style tests: see afterEach
    test.fn = async function (this: Context) {
      await (original as (this: Context) => unknown).call(this);
      await throwOnViolations();
    } as Func;
  },
  async afterEach(this: Context): Promise<void> {
    if (this.currentTest?.state === 'failed') failures += 1;
    // Whatever came in after a test finished (or in a callback-style test) is reported here.
    await throwOnViolations();
  },
  afterAll(this: Context): void {
    if (!isFullRun(this) || failures > 0) {
      console.log('  (contract coverage not checked: partial run or failing tests)');
      return;
    }
    const gaps = undocumentedGaps();
    if (gaps.length > 0) {
      throw new Error(
        `documented responses that no test produced (test them, or remove them from the contract):\n  ${gaps.join('\n  ')}`,
      );
    }
  },
};
