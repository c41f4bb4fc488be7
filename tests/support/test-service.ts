import pg from 'pg';
import { checkResponsesFrom } from './contract/contract-recorder.js';
import { loadConfig } from '../../src/adapters/env/app-config.js';
import type { Logger } from '../../src/adapters/logging/logger.port.js';
import { type RunningService, startService } from '../../src/composition/start-service.js';
import { RecordingLogger } from './recording-logger.js';
import { signSimplejwtAccessToken, type SimplejwtClaims } from './simplejwt-token.js';
import { testDatabaseUrl } from './test-database.js';

export const TEST_SECRET = 'test-secret-for-the-opportunities-service-0123456789';

export interface TestService<L extends Logger = RecordingLogger> {
  readonly service: RunningService;
  readonly logger: L;
  readonly url: string;
  tokenFor(claims: SimplejwtClaims): Promise<string>;
  request(path: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>;
  truncate(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real service (Koa + MikroORM + jose) on the run's test database, on a free port; it logs to
 * a RecordingLogger unless given another logger.
 */
export async function startTestService(env?: Record<string, string>): Promise<TestService>;
export async function startTestService<L extends Logger>(
  env: Record<string, string>,
  logger: L,
): Promise<TestService<L>>;
export async function startTestService(
  env: Record<string, string> = {},
  logger: Logger = new RecordingLogger(),
): Promise<TestService<Logger>> {
  const databaseUrl = await testDatabaseUrl();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: TEST_SECRET,
    HOST: '127.0.0.1',
    PORT: '0',
    MIGRATE_ON_START: 'false',
    // Suites refuse many tokens on purpose from one address; the refusal budget has its own test.
    RATE_LIMIT_AUTH_FAILURES: '1000000',
    ...env,
  });
  const service = await startService(config, logger);
  const stopChecking = checkResponsesFrom(service.url);
  return {
    service,
    logger,
    url: service.url,
    tokenFor: (claims) => signSimplejwtAccessToken(env.JWT_SECRET ?? TEST_SECRET, claims),
    request: (path, init = {}) => {
      const { token, json, headers, ...rest } = init;
      const allHeaders = new Headers(headers);
      if (token !== undefined) allHeaders.set('authorization', `Bearer ${token}`);
      if (json !== undefined) allHeaders.set('content-type', 'application/json');
      return fetch(`${service.url}${path}`, {
        ...rest,
        headers: allHeaders,
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
    },
    truncate: async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      // TRUNCATE fires no row trigger: the title postings go with the rows.
      await client.query('truncate opportunity, search_title_posting');
      await client.end();
    },
    stop: async () => {
      stopChecking();
      await service.stop();
    },
  };
}
