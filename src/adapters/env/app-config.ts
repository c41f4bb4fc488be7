import { ConfigError } from './config-error.js';
import { loadTracingConfig, type TracingConfig } from './tracing-config.js';

export { ConfigError };

export interface JwtConfig {
  readonly algorithm: string;
  /** HS*: the shared secret; undefined means "generate a development secret". */
  readonly secret: string | undefined;
  readonly previousSecret: string | undefined;
  readonly publicKey: string | undefined;
  readonly jwksUrl: string | undefined;
  readonly leewaySeconds: number;
  readonly audience: string | undefined;
  readonly issuer: string | undefined;
  readonly userIdClaim: string;
  readonly tokenTypeClaim: string;
  readonly jtiClaim: string;
  readonly maxTokenBytes: number;
  /** Accepted tokens remembered until they expire (0: verify every request). */
  readonly verifiedCacheSize: number;
}

export interface AppConfig {
  readonly production: boolean;
  readonly host: string;
  readonly port: number;
  /** Undefined outside production means: start the embedded PostgreSQL. */
  readonly databaseUrl: string | undefined;
  readonly dbPoolSize: number;
  readonly dbStatementTimeoutMs: number;
  readonly replicas: ReplicaConfig;
  /** Client-side bound on one query (the server may be the thing that hangs). */
  readonly dbQueryTimeoutMs: number;
  /** Failover hold: how long, and how many requests at once, wait for a writable primary. */
  readonly dbFailoverHoldMs: number;
  readonly dbFailoverHoldMaxRequests: number;
  readonly migrateOnStart: boolean;
  readonly dataDir: string;
  readonly embeddedDbPort: number;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  /** PUT and DELETE must carry If-Match (428 otherwise). */
  readonly requireIfMatch: boolean;
  /** Origin (and optional path prefix) clients reach the service at; absent means relative links. */
  readonly publicUrl: string | undefined;
  readonly jwt: JwtConfig;
  readonly ops: OperationsConfig;
  readonly idempotency: IdempotencyConfig;
  /** How often the search vocabulary drops words no row uses any more; 0 = never. */
  readonly vocabularyPruneIntervalMs: number;
  /** OpenTelemetry traces (the standard OTEL_* variables); undefined = off. */
  readonly tracing: TracingConfig | undefined;
}

export interface IdempotencyConfig {
  /** POST without an Idempotency-Key is a 400. */
  readonly required: boolean;
  /** How long a key's answer is kept and replayed. */
  readonly retentionMs: number;
  /** How often expired keys are purged; 0 = never (another instance or a job does it). */
  readonly purgeIntervalMs: number;
  readonly purgeBatchSize: number;
}

export interface ReplicaConfig {
  /** Hot standbys of DATABASE_URL that serve reads; empty = every read on the primary. */
  readonly urls: readonly string[];
  /** A standby further behind than this is skipped until it catches up. */
  readonly maxLagMs: number;
  readonly checkIntervalMs: number;
  /** How long after a user's write that user's reads stay on the primary. */
  readonly readYourWritesMs: number;
}

export interface OperationsConfig {
  readonly trustProxy: boolean;
  readonly corsOrigins: readonly string[];
  readonly rateLimitEnabled: boolean;
  readonly rateLimitWindowMs: number;
  readonly rateLimitReads: number;
  readonly rateLimitWrites: number;
  readonly rateLimitAuthFailures: number;
  readonly redisUrl: string | undefined;
  readonly redisKeyPrefix: string;
  readonly metricsEnabled: boolean;
  /** Serve /metrics on its own port (e.g. only reachable inside the cluster); 0 = the API port. */
  readonly metricsPort: number;
  /** When set, /metrics needs `Authorization: Bearer <token>`. */
  readonly metricsToken: string | undefined;
  readonly shutdownTimeoutMs: number;
  /** After SIGTERM, keep serving (readiness 503, Connection: close) this long before draining. */
  readonly shutdownDrainMs: number;
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly dbConnectTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

const HS = /^HS(256|384|512)$/;
const ASYMMETRIC = /^(RS|ES)(256|384|512)$/;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

/** `https://api.example.com` or with a path prefix; no query, fragment or trailing slash. */
function publicUrl(env: Env): string | undefined {
  const raw = text(env, 'PUBLIC_URL');
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute http(s) URL, got "${raw}"`);
  }
  if (!/^https?:$/.test(parsed.protocol) || parsed.search || parsed.hash || parsed.username || parsed.password) {
    throw new ConfigError(`PUBLIC_URL must be an http(s) URL without query, fragment or credentials, got "${raw}"`);
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/** Reads and checks the environment once at start-up; every problem names its variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const production = env.NODE_ENV === 'production';
  const algorithm = text(env, 'JWT_ALGORITHM') ?? 'HS256';
  if (!HS.test(algorithm) && !ASYMMETRIC.test(algorithm)) {
    throw new ConfigError(
      `JWT_ALGORITHM must be one of HS256/384/512, RS256/384/512, ES256/384/512, got "${algorithm}"`,
    );
  }
  const jwt: JwtConfig = {
    algorithm,
    secret: text(env, 'JWT_SECRET'),
    previousSecret: text(env, 'JWT_SECRET_PREVIOUS'),
    publicKey: text(env, 'JWT_PUBLIC_KEY'),
    jwksUrl: text(env, 'JWT_JWKS_URL'),
    leewaySeconds: integer(env, 'JWT_LEEWAY', 0, 0, 3600),
    audience: text(env, 'JWT_AUDIENCE'),
    issuer: text(env, 'JWT_ISSUER'),
    userIdClaim: text(env, 'JWT_USER_ID_CLAIM') ?? 'user_id',
    tokenTypeClaim: text(env, 'JWT_TOKEN_TYPE_CLAIM') ?? 'token_type',
    jtiClaim: text(env, 'JWT_JTI_CLAIM') ?? 'jti',
    maxTokenBytes: integer(env, 'JWT_MAX_TOKEN_BYTES', 8192, 256, 65536),
    verifiedCacheSize: integer(env, 'JWT_VERIFIED_CACHE_SIZE', 10_000, 0, 1_000_000),
  };
  const config: AppConfig = {
    production,
    host: text(env, 'HOST') ?? '0.0.0.0',
    port: integer(env, 'PORT', 3000, 0, 65535),
    databaseUrl: text(env, 'DATABASE_URL'),
    dbPoolSize: integer(env, 'DB_POOL_SIZE', 10, 1, 200),
    dbStatementTimeoutMs: integer(env, 'DB_STATEMENT_TIMEOUT_MS', 2_500, 100, 600_000),
    dbQueryTimeoutMs: integer(env, 'DB_QUERY_TIMEOUT_MS', 3_000, 100, 600_000),
    dbFailoverHoldMs: integer(env, 'DB_FAILOVER_HOLD_MS', 6_000, 0, 60_000),
    dbFailoverHoldMaxRequests: integer(env, 'DB_FAILOVER_HOLD_MAX_REQUESTS', 200, 0, 100_000),
    replicas: {
      urls: (text(env, 'DATABASE_REPLICA_URLS') ?? '')
        .split(',')
        .map((url) => url.trim())
        .filter((url) => url.length > 0),
      maxLagMs: integer(env, 'REPLICA_MAX_LAG_MS', 500, 0, 3_600_000),
      checkIntervalMs: integer(env, 'REPLICA_CHECK_INTERVAL_MS', 1_000, 100, 60_000),
      readYourWritesMs: integer(env, 'READ_YOUR_WRITES_MS', 5_000, 0, 3_600_000),
    },
    migrateOnStart: flag(env, 'MIGRATE_ON_START', true),
    dataDir: text(env, 'DATA_DIR') ?? '.data',
    embeddedDbPort: integer(env, 'EMBEDDED_DB_PORT', 54329, 1024, 65535),
    logLevel: text(env, 'LOG_LEVEL') ?? (production ? 'info' : 'debug'),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 64 * 1024, 1024, 10 * 1024 * 1024),
    requireIfMatch: flag(env, 'REQUIRE_IF_MATCH', false),
    publicUrl: publicUrl(env),
    jwt,
    ops: {
      trustProxy: flag(env, 'TRUST_PROXY', false),
      corsOrigins: (text(env, 'CORS_ORIGINS') ?? '')
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin.length > 0),
      rateLimitEnabled: flag(env, 'RATE_LIMIT_ENABLED', true),
      rateLimitWindowMs: integer(env, 'RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400) * 1000,
      rateLimitReads: integer(env, 'RATE_LIMIT_READS', 600, 1, 1_000_000_000),
      rateLimitWrites: integer(env, 'RATE_LIMIT_WRITES', 60, 1, 1_000_000_000),
      rateLimitAuthFailures: integer(env, 'RATE_LIMIT_AUTH_FAILURES', 30, 1, 1_000_000_000),
      redisUrl: text(env, 'REDIS_URL'),
      redisKeyPrefix: text(env, 'REDIS_KEY_PREFIX') ?? 'opportunities:ratelimit:',
      metricsEnabled: flag(env, 'METRICS_ENABLED', true),
      // Production keeps metrics off the public API port unless told otherwise.
      metricsPort: integer(env, 'METRICS_PORT', production ? 9464 : 0, 0, 65535),
      metricsToken: text(env, 'METRICS_TOKEN'),
      shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
      shutdownDrainMs: integer(env, 'SHUTDOWN_DRAIN_MS', 0, 0, 600_000),
      requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30_000, 1_000, 600_000),
      headersTimeoutMs: integer(env, 'HEADERS_TIMEOUT_MS', 10_000, 1_000, 600_000),
      keepAliveTimeoutMs: integer(env, 'KEEP_ALIVE_TIMEOUT_MS', 5_000, 1_000, 600_000),
      dbConnectTimeoutMs: integer(env, 'DB_CONNECT_TIMEOUT_MS', 1_500, 100, 60_000),
    },
    idempotency: {
      required: flag(env, 'REQUIRE_IDEMPOTENCY_KEY', false),
      retentionMs: integer(env, 'IDEMPOTENCY_KEY_RETENTION_HOURS', 24, 1, 24 * 365) * 3_600_000,
      purgeIntervalMs: integer(env, 'IDEMPOTENCY_PURGE_INTERVAL_SECONDS', 300, 0, 86_400) * 1000,
      purgeBatchSize: integer(env, 'IDEMPOTENCY_PURGE_BATCH_SIZE', 1000, 1, 100_000),
    },
    vocabularyPruneIntervalMs: integer(env, 'SEARCH_VOCABULARY_PRUNE_INTERVAL_SECONDS', 3_600, 0, 604_800) * 1000,
    tracing: loadTracingConfig(env),
  };
  if (production) requireProductionSettings(config);
  checkReplicaUrls(config);
  if (config.dbFailoverHoldMs >= config.ops.requestTimeoutMs) {
    throw new ConfigError('DB_FAILOVER_HOLD_MS must be shorter than REQUEST_TIMEOUT_MS');
  }
  return config;
}

function checkReplicaUrls(config: AppConfig): void {
  const { urls } = config.replicas;
  if (urls.length === 0) return;
  if (!config.databaseUrl) throw new ConfigError('DATABASE_REPLICA_URLS needs DATABASE_URL (the primary)');
  urls.forEach((url, index) => {
    if (!URL.canParse(url) || !/^postgres(ql)?:$/.test(new URL(url).protocol)) {
      // Never echo the value: it may hold a password.
      throw new ConfigError(`DATABASE_REPLICA_URLS entry ${index + 1} is not a postgres:// URL`);
    }
  });
}

function requireProductionSettings(config: AppConfig): void {
  const missing: string[] = [];
  if (!config.databaseUrl) missing.push('DATABASE_URL');
  const { jwt } = config;
  if (HS.test(jwt.algorithm) && !jwt.secret) missing.push('JWT_SECRET');
  if (ASYMMETRIC.test(jwt.algorithm) && !jwt.publicKey && !jwt.jwksUrl) missing.push('JWT_PUBLIC_KEY or JWT_JWKS_URL');
  if (missing.length > 0) {
    throw new ConfigError(`Refusing to start in production without: ${missing.join(', ')}`);
  }
  if (HS.test(jwt.algorithm) && (jwt.secret?.length ?? 0) < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 characters in production');
  }
}

export const isHmac = (algorithm: string): boolean => HS.test(algorithm);
