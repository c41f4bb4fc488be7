import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LoadResult } from './load.js';
import type { Check } from './scenarios.js';
import type { ServerName } from './servers.js';

export interface ScenarioRun {
  readonly name: string;
  readonly label: string;
  readonly connections: number;
  /** Every round's result per server, in the order measured. */
  readonly runs: Partial<Record<ServerName, LoadResult[]>>;
}

/** One server on one scenario over its rounds: medians, and the spread of req/s. */
export interface Summary {
  readonly rounds: number;
  readonly rps: number;
  readonly rpsMin: number;
  readonly rpsMax: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  /** Median CPU time of the server per response, µs (undefined without /proc). */
  readonly cpuUs: number | undefined;
  readonly responses: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly timeouts: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

export function summarize(results: readonly LoadResult[] | undefined): Summary | undefined {
  if (!results || results.length === 0) return undefined;
  const of = (pick: (r: LoadResult) => number) => median(results.map(pick));
  const sum = (pick: (r: LoadResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  return {
    rounds: results.length,
    rps: Math.round(of((r) => r.rps) * 10) / 10,
    rpsMin: Math.min(...results.map((r) => r.rps)),
    rpsMax: Math.max(...results.map((r) => r.rps)),
    mean: of((r) => r.mean),
    p50: of((r) => r.p50),
    p95: of((r) => r.p95),
    p99: of((r) => r.p99),
    cpuUs: results.every((r) => r.serverCpuUsPerRequest !== undefined)
      ? of((r) => r.serverCpuUsPerRequest ?? 0)
      : undefined,
    responses: sum((r) => r.responses),
    errors: sum((r) => r.errors),
    non2xx: sum((r) => r.non2xx),
    timeouts: sum((r) => r.timeouts),
  };
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
    rounds: number;
    quick: boolean;
    poolSize: number;
    /** The node executable the servers ran on, and its version. */
    serverNode: { path: string; version: string };
    /** Non-default service build, node flags or environment, if any. */
    service: { entry?: string; nodeFlags: readonly string[]; env: Readonly<Record<string, string>> };
  };
  readonly machine: { cores: number; cpu: string; memoryGb: number; os: string; node: string; postgres: string };
  readonly database: { source: string; name: string };
  readonly timings: {
    serviceColdStartMs: number;
    serviceRestartMs: number | null;
    baselineStartMs: number;
    limitStartMs: number;
    obligationsStartMs: number;
    fastifyStartMs: number;
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
    limitPeakMb: number | null;
    /** The memory runs: a fresh process each, idle RSS, then peak RSS at 100 connections. */
    runs: { server: ServerName; readyMs: number; idleMb: number | null; peakMb: number | null; rps: number }[];
  };
  readonly checks: Check[];
  readonly targets: Target[];
}

const fixed = (value: number, digits = 1): string => value.toFixed(digits);
const ratio = (a: number, b: number): number => (b === 0 ? Number.POSITIVE_INFINITY : a / b);
const times = (value: number): string => (Number.isFinite(value) ? `${fixed(value, 2)}×` : '∞');

export function evaluateTargets(report: Omit<BenchReport, 'targets'>): Target[] {
  const find = (name: string) => report.scenarios.find((s) => s.name === name);
  const of = (scenario: string, server: ServerName) => summarize(find(scenario)?.runs[server]);
  const targets: Target[] = [];
  const add = (name: string, pass: boolean | null, measured: string) =>
    targets.push({ name, status: pass === null ? 'n/a' : pass ? 'PASS' : 'MISS', measured });
  const throughput = (scenario: string, label: string, peer: ServerName, min: number) => {
    const service = of(scenario, 'service');
    const other = of(scenario, peer);
    const run = find(scenario);
    const paired = run === undefined ? undefined : pairedRatio(run, peer);
    const name = `${label} ≥ ${min}× ${peer} req/s (median of per-round ratios)`;
    if (!service || !other || !paired) return add(name, null, 'not run');
    add(
      name,
      paired.median >= min,
      `${times(paired.median)} (rounds ${fixed(paired.min, 2)}–${fixed(paired.max, 2)}; medians ${service.rps} vs ${other.rps} req/s)` +
        (service.cpuUs && other.cpuUs
          ? `; by CPU per request ${times(other.cpuUs / service.cpuUs)} (${service.cpuUs} vs ${other.cpuUs} µs)`
          : ''),
    );
  };
  const routes = [
    ['get-by-id', 'GET /:id'],
    ['list-first', 'first page'],
    ['post', 'POST'],
  ] as const;
  for (const [scenario, label] of routes) throughput(scenario, label, 'obligations', 0.85);
  for (const [scenario, label] of routes) throughput(scenario, label, 'fastify', 1);
  for (const [scenario, label] of routes) {
    const run = find(scenario);
    const service = of(scenario, 'service');
    if (run === undefined || service === undefined) continue;
    const r = ratio(service.p99, service.p50);
    const at = run.connections === 32 ? '' : ' (the target is for 32: --connections 32)';
    add(
      `${label}: service p99 ≤ 3× p50 at ${run.connections} connections`,
      run.connections === 32 ? r <= 3 : null,
      `${fixed(r, 2)}× (${fixed(service.p99)} vs ${fixed(service.p50)} ms)${at}`,
    );
  }
  const plain = of('post', 'service');
  const keyed = of('post-key', 'service');
  if (plain && keyed) {
    const r = ratio(keyed.rps, plain.rps);
    add(
      'POST with Idempotency-Key ≥ 0.85× POST without (service, medians)',
      r >= 0.85,
      `${times(r)} (${keyed.rps} vs ${plain.rps} req/s)`,
    );
  }
  const search = find('search-8');
  const searchService = of('search-8', 'service');
  const searchBaseline = of('search-8', 'baseline');
  const full = report.settings.rows >= 1_000_000;
  const note = full ? '' : ` — at ${report.settings.rows} rows; the target is for 1,000,000 (--rows 1000000)`;
  if (search && searchService && searchBaseline) {
    add(
      `search p95 ≤ 20 ms at ${search.connections} connections, 1M rows`,
      full ? searchService.p95 <= 20 : null,
      `${fixed(searchService.p95)} ms${note}`,
    );
    // A baseline that answered nothing took longer than the whole run: a lower bound.
    const silent = searchBaseline.responses === 0;
    const baselineMean = silent ? report.settings.durationS * 1000 : searchBaseline.mean;
    const faster = ratio(baselineMean, searchService.mean);
    const means = `${silent ? '> ' : ''}${fixed(baselineMean)} vs ${fixed(searchService.mean)} ms`;
    const label = 'search ≥ 100× faster than baseline ILIKE (mean latency)';
    add(label, full ? faster >= 100 : null, `${silent ? '> ' : ''}${times(faster)} (${means})${note}`);
  } else {
    add('search p95 ≤ 20 ms at 8 connections, 1M rows', null, 'not run');
  }
  const first = of('list-first', 'service');
  const deep = of('list-deep', 'service');
  if (first && deep) {
    const r = ratio(deep.p50, first.p50);
    add('deep page p50 ≤ 1.5× page-1 p50', r <= 1.5, `${fixed(r, 2)}× (${fixed(deep.p50)} vs ${fixed(first.p50)} ms)`);
  }
  const memoryOf = (server: ServerName) => report.memory.runs.find((run) => run.server === server);
  const serviceMemory = memoryOf('service');
  const obligedMemory = memoryOf('obligations');
  add(
    'service idle RSS ≤ 100 MB (fresh process, migrated, before traffic)',
    serviceMemory?.idleMb == null ? null : serviceMemory.idleMb <= 100,
    serviceMemory?.idleMb == null ? 'not measured' : `${serviceMemory.idleMb} MB`,
  );
  const peaks = serviceMemory?.peakMb != null && obligedMemory?.peakMb != null;
  add(
    'service peak RSS at 100 connections ≤ 1.3× the limit with obligations',
    peaks ? (serviceMemory.peakMb as number) <= 1.3 * (obligedMemory.peakMb as number) : null,
    peaks
      ? `${times((serviceMemory.peakMb as number) / (obligedMemory.peakMb as number))} (${serviceMemory.peakMb} vs ${obligedMemory.peakMb} MB)`
      : 'not measured',
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

const spread = (s: Summary | undefined): string =>
  s === undefined ? '-' : s.rounds === 1 ? String(s.rps) : `${s.rps} (${s.rpsMin}–${s.rpsMax})`;
const tail = (s: Summary | undefined): string =>
  s === undefined
    ? '-'
    : s.responses === 0
      ? 'no answer in time'
      : `${fixed(s.p50)} / ${fixed(s.p95)} / ${fixed(s.p99)}`;
/**
 * The service's req/s over a peer's, round by round (each pair measured minutes apart at most),
 * then the median of those ratios: steadier on a shared machine than a ratio of medians.
 */
export function pairedRatio(
  run: ScenarioRun,
  peer: ServerName,
): { median: number; min: number; max: number } | undefined {
  const service = run.runs.service ?? [];
  const other = run.runs[peer] ?? [];
  const ratios = service.slice(0, other.length).map((r, i) => ratio(r.rps, other[i]?.rps ?? 0));
  if (ratios.length === 0) return undefined;
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

const share = (run: ScenarioRun, peer: ServerName): string => {
  const r = pairedRatio(run, peer);
  if (r === undefined) return '-';
  return r.min === r.max ? times(r.median) : `${times(r.median)} (${fixed(r.min, 2)}–${fixed(r.max, 2)})`;
};
const issues = (s: Summary | undefined): string =>
  s === undefined ? '-' : `${s.errors} / ${s.non2xx}${s.timeouts > 0 ? ` (${s.timeouts} timeouts)` : ''}`;

const COLUMNS: readonly ServerName[] = ['service', 'obligations', 'fastify', 'limit', 'baseline'];

function rows(report: BenchReport): string[][] {
  const header = [
    'scenario',
    'conns',
    ...COLUMNS.map((name) => `${name} req/s`),
    'svc/obligations',
    'svc/fastify',
    'svc/limit',
    'svc/baseline',
    `CPU µs/req ${COLUMNS.join(' / ')}`,
    ...COLUMNS.map((name) => `${name} p50/p95/p99 ms`),
    `errors/non-2xx ${COLUMNS.join(' / ')}`,
  ];
  const body = report.scenarios.map((s) => {
    const summaries = COLUMNS.map((name) => summarize(s.runs[name]));
    return [
      `${s.name}: ${s.label}`,
      String(s.connections),
      ...summaries.map(spread),
      share(s, 'obligations'),
      share(s, 'fastify'),
      share(s, 'limit'),
      share(s, 'baseline'),
      summaries.map((x) => x?.cpuUs ?? '-').join(' / '),
      ...summaries.map(tail),
      summaries.map(issues).join(' | '),
    ];
  });
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
    `Servers run on: Node ${settings.serverNode.version} (${settings.serverNode.path})`,
    `Rows: ${settings.rows}; ${settings.rounds} interleaved round(s) of ${settings.durationS} s per scenario per server ` +
      `(req/s: median (min–max); latencies: medians); pool ${settings.poolSize} connections per server`,
    ...(settings.service.entry || settings.service.nodeFlags.length > 0 || Object.keys(settings.service.env).length > 0
      ? [`Service variant: ${JSON.stringify(settings.service)}`]
      : []),
    `Seeding: ${timings.seedMs} ms; start-to-ready: service ${timings.serviceColdStartMs} ms (first start, migrations), ` +
      `${timings.serviceRestartMs ?? '-'} ms (restart); baseline ${timings.baselineStartMs} ms; limit ${timings.limitStartMs} ms; ` +
      `limit with obligations ${timings.obligationsStartMs} ms; fastify ${timings.fastifyStartMs} ms`,
    `Deep page: page ${fixture.deepPage} (after row ${fixture.deepOffset}); search "${fixture.searchQuery}": ` +
      `${fixture.fullTextMatches} full-text matches, ${fixture.ilikeMatches} ILIKE matches`,
    `Peak RSS over the scenarios: service ${memory.servicePeakMb ?? '-'} MB; baseline ${memory.baselinePeakMb ?? '-'} MB; ` +
      `limit ${memory.limitPeakMb ?? '-'} MB`,
    ...memory.runs.map(
      (run) =>
        `Memory run, ${run.server}: idle ${run.idleMb ?? '-'} MB, peak ${run.peakMb ?? '-'} MB at 100 connections ` +
        `(${run.rps} req/s), ready in ${run.readyMs} ms`,
    ),
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
  await writeFile(markdown, `# Opportunities service vs its peers\n\n${summary(report, true)}\n`);
  return [json, markdown];
}
