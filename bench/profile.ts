/**
 * Where does a request's time go? Runs one scenario at a time against a fresh server process
 * started with `node --cpu-prof`, behind a wire-protocol proxy that counts SQL statements, then
 * prints statements per request, the most frequent SQL and a CPU profile summary by package.
 *
 *   npx tsx bench/profile.ts [--scenarios get-by-id,post] [--servers service,baseline,limit]
 *                            [--rows 100000] [--duration 10] [--connections 64]
 *
 * Uses its own database (opportunities_bench_profile), so it never touches a bench run's data.
 * Profiles (.cpuprofile, open in Chrome DevTools) and a Markdown summary go to bench/results/.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signSimplejwtAccessToken } from '../tests/support/simplejwt-token.js';
import { summarizeProfile } from './lib/cpu-profile.js';
import { freePort, openBenchDatabase, drain } from './lib/database.js';
import { runLoad } from './lib/load.js';
import { startStatementCounter } from './lib/pg-wire-counter.js';
import { scenarios } from './lib/scenarios.js';
import { loadFixture, seed, WRITER_USER_ID } from './lib/seed.js';
import { REPO_ROOT, type ServerName, startByName, startService } from './lib/servers.js';

const { values } = parseArgs({
  options: {
    scenarios: { type: 'string', default: 'get-by-id,post' },
    servers: { type: 'string', default: 'service' },
    rows: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
  },
});

async function main(): Promise<void> {
  const rows = Number(values.rows);
  const durationS = Number(values.duration);
  const stamp = new Date()
    .toISOString()
    .replaceAll(':', '-')
    .replace(/\.\d+Z$/, 'Z');
  const outDir = path.join(REPO_ROOT, 'bench/results/profiles', stamp);
  await mkdir(outDir, { recursive: true });
  const database = await openBenchDatabase('opportunities_bench_profile');
  const target = new URL(database.url);
  const counter = await startStatementCounter({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(database.url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(counter.port);
  const secret = randomBytes(36).toString('base64url');
  const settings = { databaseUrl: proxied.toString(), secret, poolSize: 10 };
  const lines: string[] = [
    `# Profile ${stamp}`,
    '',
    `Rows: ${rows}; ${durationS} s per scenario; ${values.connections} connections`,
    '',
  ];
  const say = (line = '') => {
    console.log(line);
    lines.push(line);
  };
  try {
    // The first start applies the migrations; seeding goes straight to the database.
    const first = await startService({ ...settings, port: await freePort() });
    await first.stop();
    await seed(database.client, rows);
    const fixture = await loadFixture(database.client, rows);
    const token = await signSimplejwtAccessToken(secret, { userId: WRITER_USER_ID, lifetimeSeconds: 6 * 3600 });
    const all = scenarios({ connections: Number(values.connections), searchConnections: 8 });
    for (const name of values.scenarios.split(',')) {
      const scenario = all.find((candidate) => candidate.name === name.trim());
      if (!scenario) throw new Error(`Unknown scenario ${name}`);
      for (const server of values.servers.split(',') as ServerName[]) {
        const profileName = `${server}-${scenario.name}.cpuprofile`;
        const nodeFlags = ['--cpu-prof', '--cpu-prof-dir', outDir, '--cpu-prof-name', profileName];
        const running = await startByName(server, { ...settings, nodeFlags, port: await freePort() });
        const context = { server, fixture, token };
        const base = { url: running.url, connections: scenario.connections };
        await runLoad({ ...base, requests: scenario.requests(context), amount: scenario.connections * 10, maxS: 60 });
        await drain(database.client, database.name);
        counter.reset();
        const result = await runLoad({ ...base, requests: scenario.requests(context), durationS });
        await drain(database.client, database.name);
        const { statements, byText } = counter.snapshot();
        const peakMb = running.memory.peakMb();
        await running.stop();
        const summary = await summarizeProfile(path.join(outDir, profileName));
        say(`## ${scenario.name} on the ${server}`);
        say();
        say(
          `- ${result.rps} req/s, p50 ${result.p50} ms, p95 ${result.p95} ms, errors ${result.errors}, non-2xx ${result.non2xx}, peak RSS ${peakMb} MB`,
        );
        say(
          `- SQL statements per request: ${(statements / Math.max(1, result.responses)).toFixed(2)} (${statements} for ${result.responses} responses)`,
        );
        for (const [sql, times] of byText) say(`  - ${times} × \`${sql}\``);
        say(`- CPU profile (${summary.totalMs} ms sampled, whole process life): ${profileName}`);
        say(`  - self time by area: ${summary.selfByArea.map(([area, pct]) => `${area} ${pct}%`).join(', ')}`);
        say(`  - inclusive (on stack): ${summary.inclusiveByArea.map(([area, pct]) => `${area} ${pct}%`).join(', ')}`);
        say('  - top functions (self):');
        for (const [fn, pct] of summary.topFunctions) say(`    - ${pct}% ${fn}`);
        say();
      }
    }
  } finally {
    await counter.close();
    await database.close(true);
  }
  const file = path.join(REPO_ROOT, 'bench/results', `profile-${stamp}.md`);
  await writeFile(file, `${lines.join('\n')}\n`);
  console.log(`Wrote ${path.relative(REPO_ROOT, file)} and the profiles in ${path.relative(REPO_ROOT, outDir)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  },
);
