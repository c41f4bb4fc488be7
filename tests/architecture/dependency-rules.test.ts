import { createRequire } from 'node:module';
import path from 'node:path';
import { expect } from 'chai';
import { cruise, type IConfiguration, type ICruiseResult } from 'dependency-cruiser';

const require = createRequire(import.meta.url);
const rules = require('../../.dependency-cruiser.cjs') as IConfiguration;
const root = path.resolve(import.meta.dirname, '../..');

async function violationsIn(baseDir: string): Promise<string[]> {
  const cwd = process.cwd();
  process.chdir(baseDir);
  try {
    const result = await cruise(['src'], {
      validate: true,
      ruleSet: { forbidden: rules.forbidden ?? [] },
      doNotFollow: { path: 'node_modules' },
      tsPreCompilationDeps: true,
    });
    const output = result.output as ICruiseResult;
    return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`);
  } finally {
    process.chdir(cwd);
  }
}

describe('Architecture', function () {
  this.timeout(60_000);

  it('keeps src/domain and src/application free of frameworks, adapters and cycles', async () => {
    expect(await violationsIn(root)).to.deep.equal([]);
  });

  it('catches a core file that imports a framework or an adapter', async () => {
    const violations = await violationsIn(path.join(root, 'tests/architecture/fixtures/impure-core'));
    expect(violations.some((v) => v.startsWith('core-imports-no-packages') && v.includes('koa'))).to.equal(true);
    expect(violations.some((v) => v.startsWith('core-imports-no-adapters'))).to.equal(true);
  });

  it('catches an adapter that reaches back up, crosses technologies or breaks the persistence rooms', async () => {
    const violations = await violationsIn(path.join(root, 'tests/architecture/fixtures/impure-core'));
    const fixture = 'src/adapters/';
    expect(violations).to.include.members([
      `adapters-import-no-composition: ${fixture}koa/back-up.ts -> src/composition/wiring.ts`,
      `adapters-stay-in-their-technology: ${fixture}jose/crossing.ts -> src/adapters/koa/helper.ts`,
      `postgres-sql-is-the-floor: ${fixture}postgres/sql/climbing.ts -> src/adapters/postgres/search/engine.ts`,
      `postgres-features-apart: ${fixture}postgres/idempotency/coupled.ts -> src/adapters/postgres/search/engine.ts`,
    ]);
    // The shared logger slice is the allowed crossing.
    expect(violations.filter((v) => v.includes('uses-logger'))).to.deep.equal([]);
  });
});
