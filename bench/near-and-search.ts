/**
 * `npm run bench:near`: issue 30's near-me, facet and common-word search classes over HTTP, on the
 * built service (dist/) in its production configuration, against a database of `--rows` clustered
 * opportunities (bench/lib/seed-geo.ts). See bench/README.md and docs/near-and-facets.md.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { signSimplejwtAccessToken } from '../tests/support/simplejwt-token.js';
import { freePort, openBenchDatabase, postgresVersion, countRows } from './lib/database.js';
import { NEAR_CLASSES } from './lib/near-classes.js';
import { measureClass, measureMixed, removeWrites, type MixedMeasurement } from './lib/near-measure.js';
import { preflight } from './lib/near-preflight.js';
import { type ClassRun, type NearReport, printable, scalingLine, writeReport } from './lib/near-report.js';
import type { Check } from './lib/scenarios.js';
import { GEO_SEED_VERSION, seedGeo } from './lib/seed-geo.js';
import { WRITER_USER_ID } from './lib/seed.js';
import { REPO_ROOT, type ServerProcess, startService } from './lib/servers.js';
import { integerOption } from './lib/cli.js';

const USAGE = `Usage: npm run bench:near -- [--rows N] [--duration S] [--rounds N] [--keep-database] [--reuse]
       [--seed-only] [--only a,b] [--mixed-connections N] [--pool N] [--service-log FILE]
Classes: ${NEAR_CLASSES.map((c) => c.name).join(', ')}, mixed. Database: BENCH_DATABASE (default
opportunities_near) on DATABASE_URL's server, else the embedded PostgreSQL.`;

function options() {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      duration: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      'keep-database': { type: 'boolean', default: false },
      reuse: { type: 'boolean', default: false },
      'seed-only': { type: 'boolean', default: false },
      only: { type: 'string' },
      'mixed-connections': { type: 'string', default: '100' },
      pool: { type: 'string', default: '10' },
      'service-log': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = integerOption(USAGE);
  const only = values.only?.split(',').map((name) => name.trim());
  const known = [...NEAR_CLASSES.map((c) => c.name), 'mixed'];
  const unknown = only?.filter((name) => !known.includes(name)) ?? [];
  if (unknown.length > 0) throw new Error(`Unknown class(es): ${unknown.join(', ')}\n${USAGE}`);
  return {
    rows: int('rows', values.rows, 1000),
    durationS: int('duration', values.duration, 1),
    rounds: int('rounds', values.rounds, 1),
    // A seeded database is kept when it is to be reused, or only seeded.
    keep: values['keep-database'] || values.reuse || values['seed-only'],
    reuse: values.reuse,
    seedOnly: values['seed-only'],
    selected: (name: string) => only === undefined || only.includes(name),
    mixedConnections: int('mixed-connections', values['mixed-connections'], 1),
    poolSize: int('pool', values.pool, 1),
    logFile: values['service-log'],
  };
}

const log = (line: string): void => console.log(line);

/**
 * An existing database holds this seed at `rows` rows when its comment (set after seeding) says so
 * and, once rows an interrupted run's mixed load wrote are removed, the table has that many.
 */
async function seededAsAsked(db: pg.Client, name: string, marker: string, rows: number): Promise<boolean> {
  const comment = (
    await db.query<{ c: string | null }>(
      "select shobj_description(oid, 'pg_database') as c from pg_database where datname = $1",
      [name],
    )
  ).rows[0]?.c;
  if (comment !== marker) return false;
  const removed = await removeWrites(db);
  if (removed > 0) log(`Removed ${removed} rows an earlier run wrote.`);
  return (await countRows(db)) === rows;
}
const git = (...args: string[]): string => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();

async function main(): Promise<number> {
  const settings = options();
  if (!existsSync(path.join(REPO_ROOT, 'dist/src/main.js'))) {
    console.error('dist/src/main.js missing: run `npm run build` first.');
    return 2;
  }
  const name = process.env.BENCH_DATABASE?.trim() || 'opportunities_near';
  const marker = `bench:near seed ${GEO_SEED_VERSION}, ${settings.rows} rows`;
  let database = await openBenchDatabase(name, settings.reuse);
  let service: ServerProcess | undefined;
  process.once('SIGINT', () => void (service?.stop() ?? Promise.resolve()).finally(() => process.exit(130)));
  try {
    const reused = database.existed && (await seededAsAsked(database.client, name, marker, settings.rows));
    if (database.existed && !reused) {
      log(`${name} does not hold this seed at ${settings.rows} rows: recreating it.`);
      await database.close(false);
      database = await openBenchDatabase(name, false);
    }
    const db = database.client;
    const secret = randomBytes(36).toString('base64url');
    const start = async () =>
      startService({
        databaseUrl: database.url,
        secret,
        poolSize: settings.poolSize,
        port: await freePort(),
        logFile: settings.logFile,
      });
    log(`Database ${name} (${database.source}); starting the service…`);
    service = await start(); // migrates on start
    let seedMs: number | null = null;
    if (reused) {
      log(`Reusing the seeded ${settings.rows} rows.`);
    } else {
      log(`Seeding ${settings.rows} rows…`);
      const started = performance.now();
      await seedGeo(db, settings.rows);
      seedMs = Math.round(performance.now() - started);
      await db.query(`comment on database "${name.replaceAll('"', '""')}" is '${marker}'`);
      log(`Seeded in ${seedMs} ms.`);
      // A fresh process: its connections plan statements on the seeded, analyzed table.
      await service.stop();
      service = await start();
    }
    if (settings.seedOnly) return 0;

    const checks: Check[] = [];
    const pre = await preflight(service.url, db);
    checks.push(...pre.checks);
    for (const line of pre.seen) log(`seen: ${line}`);
    for (const check of pre.checks.filter((c) => !c.ok)) log(`FAILED ${check.name}: ${check.detail}`);
    const ids = (await db.query<{ id: string }>('select id from opportunity order by random() limit 5000')).rows.map(
      (r) => r.id,
    );
    const token = await signSimplejwtAccessToken(secret, {
      userId: WRITER_USER_ID,
      email: 'bench@example.com',
      lifetimeSeconds: 6 * 3600,
    });

    const target = { url: service.url, db, dbName: name, durationS: settings.durationS, checks, log };
    const classes: ClassRun[] = NEAR_CLASSES.filter((c) => settings.selected(c.name)).flatMap((c) =>
      ([1, 8] as const).map((connections) => ({
        name: c.name,
        label: c.label,
        connections,
        targetP95: c.targetP95[connections],
        rounds: [],
        empty: 0,
      })),
    );
    const mixed: MixedMeasurement[] = [];
    let amount: number | undefined;
    const steps = [
      ...classes.map((run) => run as ClassRun | 'mixed'),
      ...(settings.selected('mixed') ? (['mixed'] as const) : []),
    ];
    for (let round = 0; round < settings.rounds; round += 1) {
      log(`Round ${round + 1} of ${settings.rounds}`);
      // Rotated, so each class is measured early and late in a round as often as the others.
      for (let i = 0; i < steps.length; i += 1) {
        const step = steps[(i + round) % steps.length];
        if (step === 'mixed') {
          // Every round sends as many requests: the first warm-up's rate times the duration.
          const from = (rps: number) =>
            (amount ??= Math.max(settings.mixedConnections * 20, Math.round(rps * settings.durationS)));
          mixed.push(await measureMixed(target, ids, token, settings.mixedConnections, from, round));
        } else if (step !== undefined) {
          const nearClass = NEAR_CLASSES.find((c) => c.name === step.name);
          if (nearClass === undefined) continue;
          const { measured, empty } = await measureClass(target, nearClass, step.connections, round);
          (step.rounds as (typeof measured)[]).push(measured);
          (step as { empty: number }).empty += empty;
        }
      }
    }
    const cpus = os.cpus();
    const report: NearReport = {
      date: new Date().toISOString(),
      command: `npm run bench:near -- ${process.argv.slice(2).join(' ')}`.trim(),
      build: {
        commit: git('rev-parse', '--short', 'HEAD'),
        // The service's code: dist/ is built from src/, whatever later commits changed elsewhere.
        srcCommit: git('log', '-1', '--format=%h', '--', 'src'),
        dirty: git('status', '--porcelain', '--', 'src').length > 0,
      },
      rows: settings.rows,
      settings: {
        durationS: settings.durationS,
        rounds: settings.rounds,
        poolSize: settings.poolSize,
        mixedConnections: settings.mixedConnections,
      },
      machine: {
        cores: cpus.length,
        cpu: cpus[0]?.model.trim() ?? 'unknown',
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        postgres: await postgresVersion(db),
      },
      database: { source: database.source, name, reused, seedMs },
      seen: pre.seen,
      classes,
      mixed: mixed.length > 0 ? { connections: settings.mixedConnections, rounds: mixed } : null,
      checks,
    };
    log(`\n${printable(report)}`);
    const directory = path.join(REPO_ROOT, 'bench/results');
    const files = await writeReport(report, directory);
    log(`\nWrote ${files.map((file) => path.relative(REPO_ROOT, file)).join(' and ')}`);
    log(
      scalingLine(directory) ??
        'For item 4, run --rows 100000 and --rows 1000000: the ratio of (e) p95 prints here once both passed.',
    );
    return checks.every((check) => check.ok) ? 0 : 1;
  } finally {
    await service?.stop();
    await database.close(!settings.keep);
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
