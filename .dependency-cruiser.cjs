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
      name: 'adapters-import-no-composition',
      comment: 'Adapters are wired by the composition root; they never reach back up into it or the entry points.',
      severity: 'error',
      from: { path: '^src/adapters/' },
      to: { path: '^src/(composition/|main\\.ts$|migrate\\.ts$)' },
    },
    {
      name: 'composition-imports-no-entry-point',
      severity: 'error',
      from: { path: '^src/composition/' },
      to: { path: '^src/(main|migrate)\\.ts$' },
    },
    {
      name: 'adapters-stay-in-their-technology',
      comment:
        'One technology per adapter folder: the composition root joins them. Three shared interfaces are the exceptions: the logger slice, and what the HTTP adapter records through, implemented by another adapter: its metrics (Prometheus) and its server spans (OpenTelemetry: one interface, not a copy kept in step by hand).',
      severity: 'error',
      from: { path: '^src/adapters/([^/]+)/' },
      to: {
        path: '^src/adapters/',
        pathNot: [
          '^src/adapters/$1/',
          '^src/adapters/logging/logger\\.port\\.ts$',
          '^src/adapters/koa/service-metrics\\.ts$',
          '^src/adapters/koa/request-tracing\\.ts$',
        ],
      },
    },
    {
      name: 'postgres-sql-is-the-floor',
      comment:
        'Statement running, errors and timestamps (postgres/sql) know nothing of the tables or features above them.',
      severity: 'error',
      from: { path: '^src/adapters/postgres/sql/' },
      to: { path: '^src/adapters/postgres/', pathNot: '^src/adapters/postgres/sql/' },
    },
    {
      name: 'postgres-schema-stands-on-sql-only',
      comment:
        'Entity schemas and migrations describe tables; the features that read them depend on them, not the reverse.',
      severity: 'error',
      from: { path: '^src/adapters/postgres/schema/' },
      to: { path: '^src/adapters/postgres/(opportunities|idempotency|read-routing|search)/' },
    },
    {
      name: 'postgres-routing-and-opportunities-below-features',
      comment: 'Read routing and the opportunity rows serve idempotency and search; neither reaches up into them.',
      severity: 'error',
      from: { path: '^src/adapters/postgres/(read-routing|opportunities)/' },
      to: { path: '^src/adapters/postgres/(idempotency|search)/' },
    },
    {
      name: 'postgres-features-apart',
      comment: 'Idempotency and search are separate capabilities.',
      severity: 'error',
      from: { path: '^src/adapters/postgres/(idempotency|search)/' },
      to: { path: '^src/adapters/postgres/(idempotency|search)/', pathNot: '^src/adapters/postgres/$1/' },
    },
    {
      name: 'koa-middleware-knows-no-routes',
      comment: 'Cross-cutting HTTP middleware serves every route; the routes and the contract build on it.',
      severity: 'error',
      from: { path: '^src/adapters/koa/(middleware|openapi)/' },
      to: { path: '^src/adapters/koa/opportunities/' },
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
