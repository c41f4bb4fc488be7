'use strict';
// Mocha's spec output plus the plain closing line `N passed, N failed[, N skipped]` that CI
// recognises. Skipped tests are never silent: just above that line, every skip is listed with the
// reason `skipLoudly` (tests/support/loud-skip.ts) recorded, or "no reason given" for a bare
// `it.skip`.
const Mocha = require('mocha');

const { EVENT_RUN_END, EVENT_TEST_PENDING } = Mocha.Runner.constants;
const SKIP_REASON = Symbol.for('opportunities.test.skip-reason');

/** The reason recorded on the test or the nearest suite above it, and where it was recorded. */
function reasonOf(test) {
  for (let node = test; node; node = node.parent) {
    if (node[SKIP_REASON]) return { reason: node[SKIP_REASON], scope: node.fullTitle() || test.fullTitle() };
  }
  return { reason: 'no reason given', scope: test.fullTitle() };
}

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const skipped = new Map();
    runner.on(EVENT_TEST_PENDING, (test) => {
      const { reason, scope } = reasonOf(test);
      const key = `${scope}\u0000${reason}`;
      const entry = skipped.get(key) ?? { scope, reason, count: 0 };
      entry.count += 1;
      skipped.set(key, entry);
    });
    runner.once(EVENT_RUN_END, () => {
      const { passes, failures, pending } = runner.stats ?? this.stats;
      let out = '\n';
      if (pending > 0) {
        out += `SKIPPED (${pending}; in CI these fail instead):\n`;
        for (const { scope, reason, count } of skipped.values()) {
          out += `  - ${count} in "${scope}": ${reason}\n`;
        }
        out += '\n';
      }
      out += `${passes} passed, ${failures} failed${pending > 0 ? `, ${pending} skipped` : ''}\n`;
      process.stdout.write(out);
    });
  }
}

module.exports = SummaryReporter;
