import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MikroORM } from '@mikro-orm/postgresql';
import type Koa from 'koa';
import type { PurgeExpiredIdempotencyKeys } from '../application/idempotency/purge-expired-idempotency-keys.use-case.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../adapters/embedded-postgres/embedded-database.js';
import type { AppConfig } from '../adapters/env/app-config.js';
import type { Logger } from '../adapters/logging/logger.port.js';
import { DatabaseHealthCheck } from '../adapters/postgres/read-routing/database-health-check.js';
import { mikroOrmOptions } from '../adapters/postgres/schema/mikro-orm-options.js';
import { PostgresOpportunityRepository } from '../adapters/postgres/opportunities/postgres-opportunity-repository.js';
import { replicaSetOf } from '../adapters/postgres/read-routing/mikro-orm-replicas.js';
import { ReadYourWrites } from '../adapters/postgres/read-routing/read-your-writes.js';
import { RoutedQueries } from '../adapters/postgres/read-routing/routed-queries.js';
import { FailoverHold } from '../adapters/postgres/sql/failover-hold.js';
import { PostgresOpportunitySearch, SEARCH_LIMITS } from '../adapters/postgres/search/postgres-opportunity-search.js';
import { VocabularyPrune } from '../adapters/postgres/search/vocabulary/vocabulary-prune.js';
import { PostgresIdempotencyStore } from '../adapters/postgres/idempotency/postgres-idempotency-store.js';
import { metricsApp } from '../adapters/koa/metrics.routes.js';
import { PrometheusMetrics } from '../adapters/prometheus/prometheus-metrics.js';
import { rateLimitStoreFor, tokenVerifier } from './configured-adapters.js';
import { buildContainer } from './container.js';
import { checkDatabaseRoles } from './database-checks.js';
import { TOKENS } from './di-tokens.js';
import { scheduleHousekeeping } from './housekeeping.js';
import { databaseAttributes, flushTracing, tracingFor } from './tracing.js';
import { drain, listen } from './http-server.js';

export interface RunningService {
  readonly url: string;
  readonly metricsUrl: string | undefined;
  readonly server: Server;
  readonly app: Koa;
  readonly orm: MikroORM;
  /** Graceful: stop accepting, finish in-flight requests (bounded), then close the database. */
  stop(): Promise<void>;
}

type Cleanup = () => Promise<void>;

/** Connects the real adapters (PostgreSQL via MikroORM, jose, Koa…) and starts listening. */
export async function startService(config: AppConfig, logger: Logger): Promise<RunningService> {
  const cleanups: Cleanup[] = [];
  const { ops } = config;
  try {
    const databaseUrl = config.databaseUrl ?? (await embedded(config, logger, cleanups)).url;
    if (config.databaseUrl) await checkDatabaseRoles(config, databaseUrl, logger);
    if (config.migrateOnStart) {
      // Loaded only to migrate: an instance that does not (MIGRATE_ON_START=false) never imports the migrations.
      const { migrateDatabase } = await import('../adapters/postgres/schema/migrate-database.js');
      const applied = await migrateDatabase({
        url: databaseUrl,
        log: (message) => logger.debug({ component: 'mikro-orm' }, message),
      });
      if (applied.length > 0) logger.info({ migrations: applied }, 'applied migrations');
    }
    const orm = await MikroORM.init(
      mikroOrmOptions({
        url: databaseUrl,
        poolSize: config.dbPoolSize,
        replicaUrls: config.replicas.urls,
        statementTimeoutMs: config.dbStatementTimeoutMs,
        queryTimeoutMs: config.dbQueryTimeoutMs,
        connectTimeoutMs: config.ops.dbConnectTimeoutMs,
        log: (message) => logger.debug({ component: 'mikro-orm' }, message),
      }),
    );
    cleanups.unshift(() => orm.close());

    const replicaSet = replicaSetOf(orm, {
      maxLagMs: config.replicas.maxLagMs,
      checkIntervalMs: config.replicas.checkIntervalMs,
      probeTimeoutMs: Math.min(config.replicas.checkIntervalMs, config.ops.dbConnectTimeoutMs),
      onStateChange: (replica, previous) => {
        if (replica.state === 'up') logger.info({ replica, previous }, 'read replica serves reads');
        else logger.warn({ replica, previous }, 'read replica skipped: reads go to the primary');
      },
    });
    await replicaSet.start();
    cleanups.unshift(async () => replicaSet.stop());
    const replicas = replicaSet.size > 0 ? replicaSet : undefined;
    const readYourWrites = new ReadYourWrites(config.replicas.readYourWritesMs);

    const metrics = config.ops.metricsEnabled
      ? new PrometheusMetrics(() => poolState(orm), replicas && (() => replicas.statuses()))
      : undefined;
    const tracing = await tracingFor(config.tracing, metrics, logger);
    const verifier = await tokenVerifier(config, logger, tracing?.clientSpans({}));
    // Registered before the server's drain, so it runs after it: the last requests' spans are in the queue.
    let drainStarted = 0;
    if (tracing) {
      const budget = () => ops.shutdownTimeoutMs - (drainStarted ? Date.now() - drainStarted : 0);
      cleanups.unshift(flushTracing(tracing, budget, logger));
    }
    const rateLimitStore = config.ops.rateLimitEnabled ? await rateLimitStoreFor(config, logger, tracing) : undefined;
    if (rateLimitStore?.close) cleanups.push(() => rateLimitStore.close?.() ?? Promise.resolve());

    let stopping = false;
    // One router for the repository, the search and the idempotency store: reads of the first two
    // go to a healthy replica, and all three write through the same primary pool.
    const queries = new RoutedQueries(
      orm,
      replicas && {
        replicas,
        readYourWrites,
        ...(metrics ? { onRead: (target, reason) => metrics.databaseRead(target, reason) } : {}),
      },
      new FailoverHold({ holdMs: config.dbFailoverHoldMs, maxHeld: config.dbFailoverHoldMaxRequests }),
      tracing?.clientSpans(databaseAttributes(databaseUrl)),
    );
    const metricsEndpoint = metrics
      ? async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() })
      : undefined;
    const container = buildContainer({
      opportunities: new PostgresOpportunityRepository(orm, queries),
      search: new PostgresOpportunitySearch(orm, SEARCH_LIMITS, queries),
      verifier,
      health: new DatabaseHealthCheck(orm, replicas),
      logger,
      idempotency: {
        store: new PostgresIdempotencyStore(orm, queries),
        policy: { retentionMs: config.idempotency.retentionMs },
        purgeBatchSize: config.idempotency.purgeBatchSize,
      },
      http: {
        requireIdempotencyKey: config.idempotency.required,
        ...(metrics ? { metrics } : {}),
        ...(tracing ? { tracing: tracing.requests } : {}),
        ...(metricsEndpoint && ops.metricsPort === 0 ? { metricsEndpoint } : {}),
        ...(ops.metricsToken ? { metricsToken: ops.metricsToken } : {}),
        ...(rateLimitStore
          ? {
              rateLimit: {
                store: rateLimitStore,
                policy: {
                  read: { limit: ops.rateLimitReads, windowMs: ops.rateLimitWindowMs },
                  write: { limit: ops.rateLimitWrites, windowMs: ops.rateLimitWindowMs },
                  refusedAuthentications: { limit: ops.rateLimitAuthFailures, windowMs: ops.rateLimitWindowMs },
                },
              },
            }
          : {}),
        ...(replicas ? { readScope: (userId, kind, next) => readYourWrites.run(userId, kind, next) } : {}),
        bodyLimitBytes: config.bodyLimitBytes,
        requireIfMatch: config.requireIfMatch,
        ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
        trustProxy: ops.trustProxy,
        corsOrigins: ops.corsOrigins,
        isStopping: () => stopping,
      },
    });
    const app = container.get<Koa>(TOKENS.HttpApp);
    if (config.idempotency.purgeIntervalMs > 0) {
      const purge = container.get<PurgeExpiredIdempotencyKeys>(TOKENS.PurgeExpiredIdempotencyKeys);
      cleanups.unshift(
        scheduleHousekeeping(purge, 'expired idempotency keys', config.idempotency.purgeIntervalMs, logger),
      );
    }
    if (config.vocabularyPruneIntervalMs > 0) {
      const prune = new VocabularyPrune(orm, queries);
      cleanups.unshift(
        scheduleHousekeeping(prune, 'search vocabulary words no row uses', config.vocabularyPruneIntervalMs, logger),
      );
    }
    const server = await listen(app, config.host, config.port, ops);
    cleanups.unshift(() => {
      drainStarted = Date.now();
      return drain(server, ops.shutdownTimeoutMs);
    });
    let metricsUrl: string | undefined;
    if (metricsEndpoint && ops.metricsPort !== 0) {
      const metricsServer = await listen(metricsApp(metricsEndpoint, ops.metricsToken), config.host, ops.metricsPort);
      cleanups.unshift(() => drain(metricsServer, 1_000));
      metricsUrl = urlOf(metricsServer, config.host);
    }
    const stop = async () => {
      stopping = true;
      // Readiness now fails and every response says Connection: close; a load balancer notices
      // within its check interval and moves keep-alive clients away before the port closes.
      if (ops.shutdownDrainMs > 0) await new Promise((resolve) => setTimeout(resolve, ops.shutdownDrainMs));
      await runAll(cleanups);
    };
    return { url: urlOf(server, config.host), metricsUrl, server, app, orm, stop };
  } catch (error) {
    await runAll(cleanups).catch(() => undefined);
    throw error;
  }
}

async function poolState(orm: MikroORM) {
  const pool = await orm.em.getConnection().getNativeClient();
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

async function embedded(config: AppConfig, logger: Logger, cleanups: Cleanup[]): Promise<EmbeddedDatabase> {
  logger.info(
    { dataDir: config.dataDir, port: config.embeddedDbPort },
    'DATABASE_URL is not set: starting the embedded PostgreSQL',
  );
  const database = await startEmbeddedDatabase({
    dataDir: config.dataDir,
    port: config.embeddedDbPort,
    database: 'opportunities',
    onLog: (message) => logger.debug({ component: 'embedded-postgres' }, message),
  });
  cleanups.unshift(() => database.stop());
  logger.info({ port: config.embeddedDbPort }, 'embedded PostgreSQL is running');
  return database;
}

function urlOf(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  return `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
}

/** Every cleanup runs even when an earlier one fails (a failed ORM close must not leave Redis open). */
async function runAll(cleanups: Cleanup[]): Promise<void> {
  const errors: unknown[] = [];
  for (const cleanup of cleanups.splice(0)) {
    try {
      await cleanup();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'several resources failed to close');
}
