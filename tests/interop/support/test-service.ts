/**
 * Starts the real Opportunities service (Koa + MikroORM on the run's test database) with a given
 * JWT configuration, and calls its HTTP API.
 */
import { checkResponsesFrom } from '../../support/contract/contract-recorder.js';
import { loadConfig } from '../../../src/adapters/env/app-config.js';
import { startService } from '../../../src/composition/start-service.js';
import { RecordingLogger } from '../../support/recording-logger.js';
import { testDatabaseUrl } from '../../support/test-database.js';

export { RecordingLogger };

export interface TestService {
  readonly url: string;
  readonly logger: RecordingLogger;
  stop(): Promise<void>;
}

/** `jwtEnv` holds JWT_* variables exactly as an operator would set them. */
export async function startTestService(jwtEnv: Record<string, string>): Promise<TestService> {
  const logger = new RecordingLogger();
  const config = loadConfig({
    DATABASE_URL: await testDatabaseUrl(),
    HOST: '127.0.0.1',
    PORT: '0',
    MIGRATE_ON_START: 'false', // testDatabaseUrl() hands out a migrated database
    LOG_LEVEL: 'warn',
    // The suites send ~100 requests a minute from 127.0.0.1; rate limiting is tested elsewhere.
    RATE_LIMIT_ENABLED: 'false',
    ...jwtEnv,
  });
  const service = await startService(config, logger);
  const stopChecking = checkResponsesFrom(service.url);
  return {
    url: service.url,
    logger,
    stop: async () => {
      stopChecking();
      await service.stop();
    },
  };
}

export interface ApiResponse {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies, checked by the tests
  readonly body: any;
  readonly wwwAuthenticate: string | null;
}

export interface CallOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  readonly body?: unknown;
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text === '' ? null : (JSON.parse(text) as unknown);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body, wwwAuthenticate: response.headers.get('www-authenticate') };
}

/** A valid POST /api/v1/opportunities body. */
export function opportunityBody(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title,
    description: `Created by the interop tests: ${title}.`,
    category: 'interop-testing',
    location: 'Lyon',
    tags: ['interop'],
    ...extra,
  };
}

export const OPPORTUNITIES = '/api/v1/opportunities';
