import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

export interface LoadSpec {
  readonly url: string;
  readonly connections: number;
  readonly requests: autocannon.Request[];
  /** Run for this many seconds (autocannon checks every second)… */
  readonly durationS?: number;
  /** …or until exactly this many responses arrived (used by the write scenarios). */
  readonly amount?: number;
  /** Hard stop, whatever happens; a run that hits it is marked `cutShort`. */
  readonly maxS?: number;
  /** Sees every response's status and latency (ms) after the requests' own `onResponse` ran. */
  readonly onResponse?: (statusCode: number, latencyMs: number) => void;
}

export interface LoadResult {
  readonly responses: number;
  readonly rps: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  /** Connection errors and timeouts, as autocannon counts them. */
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly statuses: Record<string, number>;
  readonly elapsedS: number;
  readonly cutShort: boolean;
  /** CPU time the server process used per response during the measurement, in µs (when known). */
  readonly serverCpuUsPerRequest?: number;
}

/** The p-th percentile of ascending latencies, as every figure of the bench computes it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round(sorted[index] ?? 0);
}

const round = (value: number): number => Math.round(value * 100) / 100;
/** Whole requests per second, with one decimal below 100 so slow servers do not read as 0 or 1. */
const rate = (value: number): number => (value < 100 ? Math.round(value * 10) / 10 : Math.round(value));

/**
 * One bounded autocannon run. Latencies come from every response (autocannon's own histogram has
 * no p95), and req/s is responses over the time from start to the last response.
 */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  let lastResponse = started;
  let cutShort = false;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        requests: spec.requests,
        timeout: 30,
        ...(spec.amount === undefined ? { duration: spec.durationS ?? 10 } : { amount: spec.amount }),
      },
      (error: unknown, result: autocannon.Result) => {
        clearTimeout(guard);
        if (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
          return;
        }
        const sorted = Float64Array.from(latencies).sort();
        const total = latencies.reduce((sum, value) => sum + value, 0);
        const elapsedS = Math.max(0.001, (lastResponse - started) / 1000);
        resolve({
          responses: latencies.length,
          rps: rate(latencies.length / elapsedS),
          mean: round(latencies.length === 0 ? 0 : total / latencies.length),
          p50: percentile(sorted, 50),
          p95: percentile(sorted, 95),
          p99: percentile(sorted, 99),
          max: round(sorted[sorted.length - 1] ?? 0),
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          statuses,
          elapsedS: round(elapsedS),
          cutShort,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      spec.onResponse?.(statusCode, responseTime);
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      lastResponse = performance.now();
    });
    const maxS = spec.maxS ?? (spec.durationS ?? 60) * 3 + 30;
    const guard = setTimeout(() => {
      cutShort = true;
      instance.stop();
    }, maxS * 1000);
  });
}
