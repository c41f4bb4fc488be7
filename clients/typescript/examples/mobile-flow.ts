/**
 * `npm run example:mobile-flow`: what the mobile app does, with the TypeScript client.
 * sign in at Django → create → list → search → (access token expires) → update, refreshed once.
 *
 * With OPPORTUNITIES_URL, DJANGO_URL, EXAMPLE_EMAIL and EXAMPLE_PASSWORD it talks to running
 * servers. Without them it starts its own: the reference Django + simplejwt of tests/interop
 * (Debian packages: bash tests/interop/install-django.sh) with 3-second access tokens, and the
 * service on a free port (DATABASE_URL, or the embedded PostgreSQL like `npm start`).
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../../src/adapters/env/app-config.js';
import { createLogger } from '../../../src/adapters/logging/pino-logger.js';
import { startService } from '../../../src/composition/start-service.js';
import { DjangoServer, djangoAvailable } from '../../../tests/interop/support/django-server.js';
import { createOpportunitiesClient, MemoryTokenStore } from '../src/index.js';

const ACCESS_SECONDS = 3;
const say = (step: string, detail = '') => console.log(`${step.padEnd(34)} ${detail}`);

interface Backends {
  serviceUrl: string;
  djangoUrl: string;
  credentials: { email: string; password: string };
  /** How long until an access token expires, when known. */
  accessSeconds?: number;
  stop(): Promise<void>;
}

async function ownBackends(): Promise<Backends> {
  if (!(await djangoAvailable())) {
    throw new Error(
      'Django + simplejwt are not installed: run `bash tests/interop/install-django.sh`, or set DJANGO_URL',
    );
  }
  const secret = randomBytes(30).toString('base64url');
  const django = await DjangoServer.start({ secret, accessLifetimeSeconds: ACCESS_SECONDS, rotateRefreshTokens: true });
  const credentials = { email: 'newcomer@example.com', password: 'newcomer-password' };
  await django.createUser(credentials.email, credentials.password);
  const env = { ...process.env, JWT_SECRET: secret, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'error' };
  const config = loadConfig(env);
  const service = await startService(config, createLogger(config.logLevel, false));
  say('started', `Django at ${django.baseUrl} (access tokens live ${ACCESS_SECONDS} s), service at ${service.url}`);
  return {
    serviceUrl: service.url,
    djangoUrl: django.baseUrl,
    credentials,
    accessSeconds: ACCESS_SECONDS,
    stop: async () => {
      await service.stop();
      await django.stop();
    },
  };
}

async function backends(): Promise<Backends> {
  const { OPPORTUNITIES_URL, DJANGO_URL, EXAMPLE_EMAIL, EXAMPLE_PASSWORD } = process.env;
  if (!OPPORTUNITIES_URL || !DJANGO_URL) return ownBackends();
  return {
    serviceUrl: OPPORTUNITIES_URL,
    djangoUrl: DJANGO_URL,
    credentials: { email: EXAMPLE_EMAIL ?? '', password: EXAMPLE_PASSWORD ?? '' },
    stop: async () => undefined,
  };
}

async function main(): Promise<void> {
  const servers = await backends();
  let refreshes = 0;
  const store = new MemoryTokenStore(); // the app uses a SecureStore-backed one (README)
  const { api, signIn } = createOpportunitiesClient({
    baseUrl: servers.serviceUrl,
    djangoBaseUrl: servers.djangoUrl,
    tokenStore: store,
    fetch: (input, init) => {
      if (String(input).endsWith('/api/auth/refresh/')) refreshes += 1;
      return fetch(input, init);
    },
  });
  try {
    await signIn(servers.credentials);
    say('1. signed in at Django', `as ${servers.credentials.email}; tokens stored`);

    const created = await api.POST('/api/v1/opportunities', {
      body: {
        title: 'Beach clean-up',
        description: 'Collect plastic on the beach.',
        category: 'volunteering',
        tags: ['outdoors'],
      },
    });
    if (!created.data) throw new Error(`create failed: ${created.response.status} ${JSON.stringify(created.error)}`);
    say('2. created', `${created.data.id} "${created.data.title}" version ${created.data.version}`);

    const list = await api.GET('/api/v1/opportunities', { params: { query: { category: 'volunteering', limit: 5 } } });
    say(
      '3. listed volunteering',
      `${list.data?.results.length ?? 0} result(s), next page: ${list.data?.next ?? 'none'}`,
    );

    const found = await api.GET('/api/v1/opportunities/search', { params: { query: { q: 'beach plastic' } } });
    say('4. searched "beach plastic"', (found.data?.results ?? []).map((hit) => hit.title).join(', ') || 'nothing');

    if (servers.accessSeconds !== undefined) {
      say('   waiting', `${servers.accessSeconds + 1} s for the access token to expire…`);
      await new Promise((resolve) => setTimeout(resolve, ((servers.accessSeconds ?? 0) + 1) * 1000));
    }
    const updated = await api.PUT('/api/v1/opportunities/{id}', {
      params: { path: { id: created.data.id }, header: { 'If-Match': `"${created.data.version}"` } },
      body: {
        title: 'Beach clean-up (full)',
        description: created.data.description,
        category: 'volunteering',
        status: 'closed',
      },
    });
    say('5. updated', `${updated.response.status}: status ${updated.data?.status}, version ${updated.data?.version}`);
    say('   refreshes at Django', `${refreshes} (the client refreshed and retried by itself)`);
  } finally {
    await servers.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
