import type { AccessTokenVerifier } from '../application/ports/access-token-verifier.port.js';
import type { RateLimitStore } from '../application/ports/rate-limit-store.port.js';
import { type AppConfig, isHmac } from '../adapters/env/app-config.js';
import { developmentSecret } from '../adapters/env/development-secret.js';
import { JoseAccessTokenVerifier } from '../adapters/jose/jose-access-token-verifier.js';
import { loadVerificationKeys, type TracedFetch } from '../adapters/jose/verification-keys.js';
import { VerifiedTokenCache } from '../adapters/jose/verified-token-cache.js';
import type { Logger } from '../adapters/logging/logger.port.js';
import type { OpenTelemetryTracing } from '../adapters/opentelemetry/open-telemetry-tracing.js';
import { InMemoryRateLimitStore } from '../adapters/rate-limit/in-memory-rate-limit-store.js';

/** The token verifier the configuration asks for: jose, behind the verified-token cache unless it is off. */
export async function tokenVerifier(
  config: AppConfig,
  logger: Logger,
  traced?: TracedFetch,
): Promise<AccessTokenVerifier> {
  const { jwt } = config;
  const secret = isHmac(jwt.algorithm) ? (jwt.secret ?? (await developmentSecretFor(config, logger))) : undefined;
  if (secret !== undefined && secret.length < 32) {
    // Production refuses this at configuration time; elsewhere it is allowed but called out.
    logger.warn({ variable: 'JWT_SECRET', length: secret.length }, 'JWT_SECRET is shorter than 32 characters');
  }
  const jose = new JoseAccessTokenVerifier({
    algorithm: jwt.algorithm,
    keys: await loadVerificationKeys({ ...jwt, secret, traced }),
    leewaySeconds: jwt.leewaySeconds,
    ...(jwt.audience ? { audience: jwt.audience } : {}),
    ...(jwt.issuer ? { issuer: jwt.issuer } : {}),
    claims: { userId: jwt.userIdClaim, tokenType: jwt.tokenTypeClaim, tokenId: jwt.jtiClaim },
    maxTokenBytes: jwt.maxTokenBytes,
  });
  return jwt.verifiedCacheSize === 0
    ? jose
    : new VerifiedTokenCache(jose, { leewaySeconds: jwt.leewaySeconds, maxEntries: jwt.verifiedCacheSize });
}

/** In memory, or shared through Redis when REDIS_URL is set. */
export async function rateLimitStoreFor(
  config: AppConfig,
  logger: Logger,
  tracing?: OpenTelemetryTracing,
): Promise<RateLimitStore> {
  if (!config.ops.redisUrl) return new InMemoryRateLimitStore();
  // Loaded only when configured: the Redis client is ~40 modules an in-memory instance never runs.
  const { RedisRateLimitStore } = await import('../adapters/rate-limit/redis-rate-limit-store.js');
  const redis = new URL(config.ops.redisUrl);
  const traced = tracing?.clientSpans({
    'server.address': redis.hostname,
    'server.port': Number(redis.port || 6379),
    'db.namespace': redis.pathname.slice(1) || '0',
  });
  const store = new RedisRateLimitStore(config.ops.redisUrl, config.ops.redisKeyPrefix, traced);
  if (await store.ready(1_000)) {
    logger.info('rate limits are shared through Redis (REDIS_URL)');
  } else {
    logger.warn('Redis (REDIS_URL) is not reachable yet: rate limiting fails open until it is');
  }
  return store;
}

async function developmentSecretFor(config: AppConfig, logger: Logger): Promise<string> {
  const { secret, file, created } = await developmentSecret(config.dataDir);
  logger.warn(
    { file, created },
    'JWT_SECRET is not set: using a development secret. Mint a token with: npm run token -- --user <id> [--role admin]',
  );
  return secret;
}
