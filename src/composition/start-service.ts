import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MikroORM, RequestContext } from '@mikro-orm/postgresql';
import type Koa from 'koa';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../adapters/embedded-postgres/embedded-database.js';
import { type AppConfig, isHmac } from '../adapters/env/app-config.js';
import { developmentSecret } from '../adapters/env/development-secret.js';
import { JoseAccessTokenVerifier } from '../adapters/jose/jose-access-token-verifier.js';
import { loadVerificationKeys } from '../adapters/jose/verification-keys.js';
import type { Logger } from '../adapters/logging/logger.port.js';
import { MikroOrmHealthCheck } from '../adapters/mikro-orm/mikro-orm-health-check.js';
import { mikroOrmOptions } from '../adapters/mikro-orm/mikro-orm-options.js';
import { MikroOrmOpportunityRepository } from '../adapters/mikro-orm/mikro-orm-opportunity-repository.js';
import { buildContainer } from './container.js';
import { TOKENS } from './di-tokens.js';

export interface RunningService {
  readonly url: string;
  readonly server: Server;
  readonly app: Koa;
  readonly orm: MikroORM;
  stop(): Promise<void>;
}

/** Connects the real adapters (PostgreSQL via MikroORM, jose, Koa) and starts listening. */
export async function startService(config: AppConfig, logger: Logger): Promise<RunningService> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const databaseUrl = config.databaseUrl ?? (await embedded(config, logger, cleanups)).url;
    const orm = await MikroORM.init(
      mikroOrmOptions({
        url: databaseUrl,
        poolSize: config.dbPoolSize,
        statementTimeoutMs: config.dbStatementTimeoutMs,
        log: (message) => logger.debug({ component: 'mikro-orm' }, message),
      }),
    );
    cleanups.unshift(() => orm.close());
    if (config.migrateOnStart) {
      const applied = await orm.migrator.up();
      if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, 'applied migrations');
    }

    const secret = config.jwt.secret ?? (await developmentSecretFor(config, logger));
    if (isHmac(config.jwt.algorithm) && secret.length < 32) {
      // Production refuses this at configuration time; elsewhere it is allowed but called out.
      logger.warn({ variable: 'JWT_SECRET', length: secret.length }, 'JWT_SECRET is shorter than 32 characters');
    }
    const keys = await loadVerificationKeys({ ...config.jwt, secret });
    const verifier = new JoseAccessTokenVerifier({
      algorithm: config.jwt.algorithm,
      keys,
      leewaySeconds: config.jwt.leewaySeconds,
      ...(config.jwt.audience ? { audience: config.jwt.audience } : {}),
      ...(config.jwt.issuer ? { issuer: config.jwt.issuer } : {}),
      claims: { userId: config.jwt.userIdClaim, tokenType: config.jwt.tokenTypeClaim, tokenId: config.jwt.jtiClaim },
      maxTokenBytes: config.jwt.maxTokenBytes,
    });

    const container = buildContainer({
      opportunities: new MikroOrmOpportunityRepository(orm),
      verifier,
      health: new MikroOrmHealthCheck(orm),
      logger,
      requestScope: (work) => RequestContext.create(orm.em, work),
      bodyLimitBytes: config.bodyLimitBytes,
    });
    const app = container.get<Koa>(TOKENS.HttpApp);
    const server = await listen(app, config.host, config.port);
    cleanups.unshift(() => close(server));
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    return { url, server, app, orm, stop: () => runAll(cleanups) };
  } catch (error) {
    await runAll(cleanups).catch(() => undefined);
    throw error;
  }
}

async function embedded(
  config: AppConfig,
  logger: Logger,
  cleanups: (() => Promise<void>)[],
): Promise<EmbeddedDatabase> {
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

async function developmentSecretFor(config: AppConfig, logger: Logger): Promise<string> {
  const { secret, file, created } = await developmentSecret(config.dataDir);
  logger.warn(
    { file, created },
    'JWT_SECRET is not set: using a development secret. Mint a token with: npm run token -- --user <id> [--role admin]',
  );
  return secret;
}

function listen(app: Koa, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

async function runAll(cleanups: (() => Promise<void>)[]): Promise<void> {
  for (const cleanup of cleanups.splice(0)) await cleanup();
}
