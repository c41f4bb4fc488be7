/**
 * Architecture rules, checked by `npm run depcruise` and by tests/architecture.
 * The core (src/domain, src/application) stays pure: no npm packages, no Node built-ins,
 * no adapters or composition root. The domain does not depend on the application layer.
 */
const CORE = '^src/(domain|application)/';

module.exports = {
  forbidden: [
    {
      name: 'core-imports-no-packages',
      comment: 'Domain and application code must not import npm packages (Koa, MikroORM, jose, inversify, io-ts…).',
      severity: 'error',
      from: { path: CORE },
      to: {
        dependencyTypes: [
          'npm',
          'npm-dev',
          'npm-optional',
          'npm-peer',
          'npm-bundled',
          'npm-no-pkg',
          'npm-unknown',
          'unknown',
          'core',
        ],
      },
    },
    {
      name: 'core-imports-no-adapters',
      comment:
        'The core depends on ports only; adapters and the composition root depend on the core, never the reverse.',
      severity: 'error',
      from: { path: CORE },
      to: { path: '^src/(adapters|composition)/|^src/main\\.ts$' },
    },
    {
      name: 'domain-imports-no-application',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^src/application/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
