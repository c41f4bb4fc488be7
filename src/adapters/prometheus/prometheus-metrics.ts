import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ReplicaHealth } from '../../application/ports/health-check.port.js';
import type { ServiceMetrics } from '../koa/service-metrics.js';

export interface PoolState {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

/** Prometheus metrics: HTTP traffic, auth failures, rate limiting, the database pool, the process. */
export class PrometheusMetrics implements ServiceMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly durations: Histogram<'method' | 'route' | 'status'>;
  private readonly authFailures: Counter<'reason'>;
  private readonly rateLimitRejections: Counter<'bucket'>;
  private readonly rateLimitStoreErrors: Counter;
  /**
   * The labelled children per method, route and status: prom-client hashes a labels object on
   * every call otherwise. Bounded like the series themselves (route templates, not raw paths).
   */
  private readonly requestSeries = new Map<
    string,
    {
      readonly count: Counter.Internal;
      readonly duration: Histogram.Internal<'method' | 'route' | 'status'>;
    }
  >();

  private readonly databaseReads: Counter<'target' | 'reason'>;
  private readonly tracingSpansExported: Counter;
  private readonly tracingSpansDropped: Counter<'reason'>;

  constructor(poolState?: () => Promise<PoolState | undefined>, replicas?: () => readonly ReplicaHealth[]) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.durations = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.authFailures = new Counter({
      name: 'auth_failures_total',
      help: 'Refused access tokens by reason',
      labelNames: ['reason'],
      registers,
    });
    this.rateLimitRejections = new Counter({
      name: 'rate_limit_rejections_total',
      help: 'Requests answered 429, by budget',
      labelNames: ['bucket'],
      registers,
    });
    this.rateLimitStoreErrors = new Counter({
      name: 'rate_limit_store_errors_total',
      help: 'Rate-limit store failures (requests were let through)',
      registers,
    });
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections by state',
      labelNames: ['state'],
      registers,
      async collect() {
        const state = await poolState?.();
        if (!state) return;
        this.set({ state: 'total' }, state.total);
        this.set({ state: 'idle' }, state.idle);
        this.set({ state: 'waiting' }, state.waiting);
      },
    });
    this.databaseReads = new Counter({
      name: 'db_reads_total',
      help: 'Repository reads by where they ran (primary or a read replica)',
      labelNames: ['target', 'reason'],
      registers,
    });
    this.tracingSpansExported = new Counter({
      name: 'tracing_spans_exported_total',
      help: 'Trace spans the collector accepted',
      registers,
    });
    this.tracingSpansDropped = new Counter({
      name: 'tracing_spans_dropped_total',
      help: 'Trace spans given up: queue_full (collector slower than the service, or away) or export_failed',
      labelNames: ['reason'],
      registers,
    });
    // Both series exist from the start, so an alert on a rate sees a zero and not an absence.
    this.tracingSpansDropped.inc({ reason: 'queue_full' }, 0);
    this.tracingSpansDropped.inc({ reason: 'export_failed' }, 0);
    if (replicas) {
      new Gauge({
        name: 'db_replica_up',
        help: 'Read replica usable for reads (1), or skipped because down or lagging (0)',
        labelNames: ['replica', 'state'],
        registers,
        collect() {
          this.reset();
          for (const replica of replicas())
            this.set({ replica: replica.name, state: replica.state }, replica.state === 'up' ? 1 : 0);
        },
      });
      new Gauge({
        name: 'db_replica_lag_seconds',
        help: 'Estimated replication lag at the last check (absent while the replica does not answer)',
        labelNames: ['replica'],
        registers,
        collect() {
          this.reset();
          for (const replica of replicas()) {
            if (replica.lagMs !== null && Number.isFinite(replica.lagMs))
              this.set({ replica: replica.name }, replica.lagMs / 1000);
          }
        },
      });
    }
  }

  /** Where a read ran; `fallback` when a replica failed it and the primary answered. */
  databaseRead(target: 'primary' | 'replica', reason?: 'fallback'): void {
    this.databaseReads.inc({ target, reason: reason ?? 'routed' });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`;
    let series = this.requestSeries.get(key);
    if (series === undefined) {
      const labels = { method, route, status: String(status) };
      series = { count: this.requests.labels(labels), duration: this.durations.labels(labels) };
      this.requestSeries.set(key, series);
    }
    series.count.inc();
    series.duration.observe(seconds);
  }

  authFailure(reason: string): void {
    this.authFailures.inc({ reason });
  }

  rateLimited(bucket: string): void {
    this.rateLimitRejections.inc({ bucket });
  }

  spansExported(count: number): void {
    this.tracingSpansExported.inc(count);
  }

  spansDropped(count: number, reason: 'queue_full' | 'export_failed'): void {
    this.tracingSpansDropped.inc({ reason }, count);
  }

  rateLimitStoreError(): void {
    this.rateLimitStoreErrors.inc();
  }
}
