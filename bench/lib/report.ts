import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadResult } from './load.js';
import type { Check } from './scenarios.js';

export interface ScenarioRun {
  readonly name: string;
  readonly label: string;
  readonly connections: number;
  readonly service: LoadResult;
  readonly baseline: LoadResult;
  /** Which server was measured first. */
  readonly first: string;
}

export interface Target {
  readonly name: string;
  readonly status: 'PASS' | 'MISS' | 'n/a';
  readonly measured: string;
}

export interface BenchReport {
  readonly date: string;
  readonly command: string;
  readonly settings: {
    rows: number;
    connections: number;
    durationS: number;
    quick: boolean;
    poolSize: number;
    /** Non-default service build, node flags or environment, if any. */
    service: { entry?: string; nodeFlags: readonly string[]; env: Readonly<Record<string, string>> };
  };
  readonly machine: { cores: number; cpu: string; memoryGb: number; os: string; node: string; postgres: string };
  readonly database: { source: string; name: string };
  readonly timings: {
    serviceColdStartMs: number;
    serviceRestartMs: number | null;
    baselineStartMs: number;
    seedMs: number;
  };
  readonly fixture: {
    deepPage: number;
    deepOffset: number;
    searchQuery: string;
    fullTextMatches: number;
    ilikeMatches: number;
  };
  readonly scenarios: ScenarioRun[];
  readonly memory: {
    servicePeakMb: number | null;
    baselinePeakMb: number | null;
    service100PeakMb: number | null;
    run100: LoadResult | null;
  };
  readonly checks: Check[];
  readonly targets: Target[];
}

const fixed = (value: number, digits = 1): string => value.toFixed(digits);
const ratio = (a: number, b: number): number => (b === 0 ? Number.POSITIVE_INFINITY : a / b);
const latencies = (r: LoadResult): string =>
  r.responses === 0 ? 'no answer in time' : `${fixed(r.p50)} / ${fixed(r.p95)} / ${fixed(r.p99)}`;
const times = (value: number): string => (Number.isFinite(value) ? `${fixed(value, 2)}×` : '∞');
const problems = (r: LoadResult): string =>
  `${r.errors} / ${r.non2xx}${r.timeouts > 0 ? ` (${r.timeouts} timeouts)` : ''}`;

export function evaluateTargets(report: Omit<BenchReport, 'targets'>): Target[] {
  const find = (name: string) => report.scenarios.find((s) => s.name === name);
  const targets: Target[] = [];
  const add = (name: string, pass: boolean | null, measured: string) =>
    targets.push({ name, status: pass === null ? 'n/a' : pass ? 'PASS' : 'MISS', measured });
  const throughput = (scenario: string, label: string, min: number) => {
    const run = find(scenario);
    if (!run) return add(`${label} ≥ ${min}× baseline req/s`, null, 'not run');
    const r = ratio(run.service.rps, run.baseline.rps);
    add(`${label} ≥ ${min}× baseline req/s`, r >= min, `${times(r)} (${run.service.rps} vs ${run.baseline.rps} req/s)`);
  };
  throughput('get-by-id', 'GET /:id', 0.75);
  throughput('post', 'POST', 0.7);
  const plain = find('post');
  const keyed = find('post-key');
  if (plain && keyed) {
    const r = ratio(keyed.service.rps, plain.service.rps);
    add(
      'POST with Idempotency-Key ≥ 0.85× POST without (service)',
      r >= 0.85,
      `${times(r)} (${keyed.service.rps} vs ${plain.service.rps} req/s)`,
    );
  }
  const search = find('search-8');
  const full = report.settings.rows >= 1_000_000;
  const note = full ? '' : ` — at ${report.settings.rows} rows; the target is for 1,000,000 (--rows 1000000)`;
  if (search) {
    add(
      `search p95 ≤ 20 ms at ${search.connections} connections, 1M rows`,
      full ? search.service.p95 <= 20 : null,
      `${fixed(search.service.p95)} ms${note}`,
    );
    // A baseline that answered nothing took longer than the whole run: a lower bound.
    const silent = search.baseline.responses === 0;
    const baselineMean = silent ? report.settings.durationS * 1000 : search.baseline.mean;
    const faster = ratio(baselineMean, search.service.mean);
    const means = `${silent ? '> ' : ''}${fixed(baselineMean)} vs ${fixed(search.service.mean)} ms`;
    const label = 'search ≥ 100× faster than baseline ILIKE (mean latency)';
    add(label, full ? faster >= 100 : null, `${silent ? '> ' : ''}${times(faster)} (${means})${note}`);
  } else {
    add('search p95 ≤ 20 ms at 8 connections, 1M rows', null, 'not run');
  }
  const first = find('list-first');
  const deep = find('list-deep');
  if (first && deep) {
    const r = ratio(deep.service.p50, first.service.p50);
    add(
      'deep page p50 ≤ 1.5× page-1 p50',
      r <= 1.5,
      `${fixed(r, 2)}× (${fixed(deep.service.p50)} vs ${fixed(first.service.p50)} ms)`,
    );
  }
  const rss = report.memory.service100PeakMb;
  add(
    'service peak RSS ≤ 200 MB at 100 connections',
    rss === null ? null : rss <= 200,
    rss === null ? 'not measured' : `${rss} MB`,
  );
  const ready = report.timings.serviceColdStartMs;
  const restart = report.timings.serviceRestartMs;
  add(
    'start-to-ready ≤ 1 s',
    ready <= 1000,
    `${ready} ms (first start, with migrations)${restart === null ? '' : `; ${restart} ms restart`}`,
  );
  return targets;
}

function rows(report: BenchReport): string[][] {
  const header = [
    'scenario',
    'conns',
    'service req/s',
    'baseline req/s',
    'svc/base',
    'service p50/p95/p99 ms',
    'baseline p50/p95/p99 ms',
    'errors/non-2xx svc',
    'base',
  ];
  const body = report.scenarios.map((s) => [
    `${s.name}: ${s.label}`,
    String(s.connections),
    String(s.service.rps),
    String(s.baseline.rps),
    times(ratio(s.service.rps, s.baseline.rps)),
    latencies(s.service),
    latencies(s.baseline),
    problems(s.service),
    problems(s.baseline),
  ]);
  return [header, ...body];
}

export function textTable(table: string[][]): string {
  const widths = table[0]?.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length))) ?? [];
  return table.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')).join('\n');
}

function markdownTable(table: string[][]): string {
  const [header = [], ...body] = table;
  return [header, header.map(() => '---'), ...body].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

function summary(report: BenchReport, markdown: boolean): string {
  const { machine, timings, fixture, memory, settings } = report;
  const item = markdown ? '- ' : '';
  const facts = [
    `Date: ${report.date}`,
    `Command: ${report.command}`,
    `Machine: ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GB RAM, ${machine.os}, Node ${machine.node}`,
    `PostgreSQL: ${machine.postgres} (${report.database.source}, database ${report.database.name})`,
    `Rows: ${settings.rows}; ${settings.durationS} s per scenario per server; pool ${settings.poolSize} connections per server`,
    ...(settings.service.entry || settings.service.nodeFlags.length > 0 || Object.keys(settings.service.env).length > 0
      ? [`Service variant: ${JSON.stringify(settings.service)}`]
      : []),
    `Seeding: ${timings.seedMs} ms; start-to-ready: service ${timings.serviceColdStartMs} ms (first start, migrations), ` +
      `${timings.serviceRestartMs ?? '-'} ms (restart); baseline ${timings.baselineStartMs} ms`,
    `Deep page: page ${fixture.deepPage} (after row ${fixture.deepOffset}); search "${fixture.searchQuery}": ` +
      `${fixture.fullTextMatches} full-text matches, ${fixture.ilikeMatches} ILIKE matches`,
    `Peak RSS: service ${memory.servicePeakMb ?? '-'} MB (main run), ${memory.service100PeakMb ?? '-'} MB (100-connection run` +
      `${memory.run100 ? `, ${memory.run100.rps} req/s, ${memory.run100.errors} errors, ${memory.run100.non2xx} non-2xx` : ''}); ` +
      `baseline ${memory.baselinePeakMb ?? '-'} MB`,
  ];
  const indent = markdown ? '- ' : '  ';
  return [
    ...facts.map((fact) => item + fact),
    '',
    markdown ? markdownTable(rows(report)) : textTable(rows(report)),
    '',
    'Targets (informational, never fail the run):',
    '',
    ...(report.targets.length === 0 ? [`${indent}not evaluated with --quick (it checks correctness only)`] : []),
    ...report.targets.map((t) => `${indent}${t.status.padEnd(4)}  ${t.name}: ${t.measured}`),
    '',
    'Correctness checks:',
    '',
    ...report.checks.map((c) => `${indent}${c.ok ? 'ok  ' : 'FAIL'}  ${c.name} (${c.detail})`),
  ].join('\n');
}

export const printable = (report: BenchReport): string => summary(report, false);

/** Writes bench-<date>.json and .md into bench/results/ and returns their paths. */
export async function writeResults(report: BenchReport, directory: string): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  const stamp = report.date.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z');
  const json = path.join(directory, `bench-${stamp}.json`);
  const markdown = path.join(directory, `bench-${stamp}.md`);
  await writeFile(json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(markdown, `# Opportunities service vs baseline\n\n${summary(report, true)}\n`);
  return [json, markdown];
}
