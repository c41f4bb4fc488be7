import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

/** Runs the fixture file in a mocha of its own, with the project's configuration and reporter. */
async function runFixture(env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  const args = [
    'node_modules/mocha/bin/mocha.js',
    '--config',
    '.mocharc.json',
    'tests/tooling/fixtures/skips.fixture.ts',
  ];
  const options = { cwd: root, env: { PATH: process.env.PATH ?? '', ...env } };
  try {
    const { stdout } = await run(process.execPath, args, options);
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

const closingLine = (stdout: string) => stdout.trimEnd().split('\n').at(-1);

describe('skipped tests are loud locally and impossible in CI', function () {
  this.timeout(60_000);

  it('lists every skip with its reason just above the closing line', async () => {
    const { code, stdout } = await runFixture({});
    expect(code, stdout).to.equal(0);
    expect(closingLine(stdout)).to.equal('1 passed, 0 failed, 3 skipped');
    expect(stdout).to.contain('SKIPPED (3; in CI these fail instead):');
    expect(stdout).to.contain('  - 2 in "a suite whose component is missing": the fixture component is not installed');
    expect(stdout).to.contain('  - 1 in "a suite that runs was left skipped by hand": no reason given');
  });

  it('fails the run in CI, for a missing component and for a test skipped by hand', async () => {
    const { code, stdout } = await runFixture({ CI: 'true' });
    expect(code, stdout).to.not.equal(0);
    expect(closingLine(stdout)).to.match(/^1 passed, 2 failed, 1 skipped$/);
    expect(stdout).to.contain('the fixture component is not installed (CI is set');
    expect(stdout).to.contain('CI is set and 1 tests were skipped:\na suite that runs was left skipped by hand');
  });
});
