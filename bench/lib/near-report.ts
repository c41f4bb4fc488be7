import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MixKind } from './near-classes.js';
import type { Measurement, MixedMeasurement } from './near-measure.js';
import { summarize } from './report.js';
import type { Check } from './scenarios.js';

export interface ClassRun {
  readonly name: string;
  readonly label: string;
  readonly connections: number;
  readonly targetP95: number;
  readonly rounds: Measurement[];
  /** Answers with no results (class (c) only may give them). */
  readonly empty: number;
}

export interface NearReport {
  readonly date: string;
  readonly command: string;
  readonly build: { commit: string; srcCommit: string; dirty: boolean };
  readonly rows: number;
  readonly settings: { durationS: number; rounds: number; poolSize: number; mixedConnections: number };
  readonly machine: { cores: number; cpu: string; memoryGb: number; node: string; postgres: string };
  readonly database: { source: string; name: string; reused: boolean; seedMs: number | null };
  readonly seen: string[];
  readonly classes: ClassRun[];
  readonly mixed: { connections: number; rounds: MixedMeasurement[] } | null;
  readonly checks: Check[];
}

const FULL = 1_000_000;
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const spread = (values: readonly number[]): string =>
  `${median(values)} (${Math.min(...values)}–${Math.max(...values)})`;
const loadRange = (rounds: readonly { load: readonly [number, number] }[]): string => {
  const all = rounds.flatMap((r) => r.load);
  return `${Math.min(...all)}–${Math.max(...all)}`;
};

/** The p95 verdict of a class: its targets are for 1,000,000 rows, so smaller runs say so. */
function verdict(run: ClassRun, rows: number): string {
  const p95 = summarize(run.rounds.map((r) => r.result))?.p95 ?? Infinity;
  const status = p95 <= run.targetP95 ? 'met' : `MISS by ${Math.round((p95 - run.targetP95) * 10) / 10}`;
  return rows >= FULL ? status : `(${status} at ${rows})`;
}

export function printable(report: NearReport): string {
  const lines = [
    `near-and-search, ${report.rows} rows, src/ of ${report.build.srcCommit}${report.build.dirty ? ' with uncommitted changes' : ''} (HEAD ${report.build.commit}), ${report.date}`,
    `${report.machine.cores} × ${report.machine.cpu}, ${report.machine.memoryGb} GiB, Node ${report.machine.node}; ${report.machine.postgres}`,
    `database ${report.database.name} (${report.database.source}), ${report.database.reused ? 'reused' : `seeded in ${report.database.seedMs} ms`}; ` +
      `${report.settings.rounds} interleaved round(s) of ${report.settings.durationS} s; pool ${report.settings.poolSize}`,
    ...report.seen.map((line) => `seen: ${line}`),
    '',
    'Medians of the rounds (min–max).',
    '| class | conns | req/s | p50 ms | p95 ms | p99 ms | target p95 | verdict | load (1-min) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const run of report.classes) {
    const results = run.rounds.map((r) => r.result);
    if (results.length === 0) continue;
    lines.push(
      `| ${run.label}${run.empty > 0 ? ` (${run.empty} empty)` : ''} | ${run.connections} | ${spread(results.map((r) => r.rps))} | ${spread(results.map((r) => r.p50))} | ` +
        `${spread(results.map((r) => r.p95))} | ${spread(results.map((r) => r.p99))} | ≤ ${run.targetP95} | ${verdict(run, report.rows)} | ${loadRange(run.rounds)} |`,
    );
  }
  if (report.mixed) {
    const { rounds, connections } = report.mixed;
    const kinds = Object.keys(rounds[0]?.kinds ?? {}) as MixKind[];
    lines.push(
      '',
      `(f) mixed load, ${connections} connections: ${spread(rounds.map((r) => r.result.rps))} req/s overall ` +
        `(${rounds.map((r) => r.result.responses).join(', ')} requests a round); load ${loadRange(rounds)}`,
      '| kind | responses a round | p50 ms median (range) | p99 ms median (range) |',
      '| --- | --- | --- | --- |',
      ...kinds.map(
        (k) =>
          `| ${k} | ${median(rounds.map((r) => r.kinds[k].responses))} | ${spread(rounds.map((r) => r.kinds[k].p50))} | ` +
          `${spread(rounds.map((r) => r.kinds[k].p99))} |`,
      ),
    );
  }
  const failed = report.checks.filter((check) => !check.ok);
  lines.push('', `Checks: ${report.checks.length - failed.length} of ${report.checks.length} passed.`);
  for (const check of failed) lines.push(`  FAILED ${check.name}: ${check.detail}`);
  return lines.join('\n');
}

const p95Of = (report: NearReport, name: string, connections: number): number | undefined =>
  summarize(report.classes.find((c) => c.name === name && c.connections === connections)?.rounds.map((r) => r.result))
    ?.p95;

/**
 * Item 4 of issue 30: class (e)'s p95 at 1,000,000 rows within 1.3× of its p95 at 100,000, read from
 * the latest result file of each size (written by every run); null when either is missing.
 */
export function scalingLine(directory: string): string | null {
  const load = (rows: number): NearReport | null => {
    const file = path.join(directory, `near-latest-${rows}.json`);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as NearReport) : null;
  };
  const [small, large] = [load(100_000), load(FULL)];
  if (!small || !large) return null;
  const parts = [1, 8].map((connections) => {
    const [a, b] = [p95Of(small, 'most-descriptions', connections), p95Of(large, 'most-descriptions', connections)];
    if (a === undefined || b === undefined) return `${connections} conn.: not in both runs`;
    const ratio = b / a;
    return `${connections} conn. ${b.toFixed(1)} / ${a.toFixed(1)} ms = ${ratio.toFixed(2)}× (${ratio <= 1.3 ? 'met' : 'MISS'})`;
  });
  const builds = `src/ of ${small.build.srcCommit ?? small.build.commit} (${small.date}) and ${large.build.srcCommit ?? large.build.commit} (${large.date})`;
  const same = small.build.srcCommit === large.build.srcCommit ? '' : ' — DIFFERENT builds: rerun one to compare';
  return `(e) p95 at 1M ÷ at 100k (target ≤ 1.3×): ${parts.join('; ')}; ${builds}${same}`;
}

/** The run's file, and `near-latest-<rows>.json` (what `scalingLine` compares) when every check passed. */
export async function writeReport(report: NearReport, directory: string): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const stamp = report.date.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z');
  const json = `${JSON.stringify(report, null, 2)}\n`;
  const passed = report.checks.every((check) => check.ok);
  const files = [path.join(directory, `near-${stamp}.json`)];
  if (passed) files.push(path.join(directory, `near-latest-${report.rows}.json`));
  for (const file of files) await writeFile(file, json);
  return files;
}
