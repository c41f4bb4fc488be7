/**
 * The TypeScript client against the real Django + simplejwt and the real service: access tokens
 * that really expire (3 s), refresh with ROTATE_REFRESH_TOKENS off and on (with the blacklist),
 * refresh tokens that expire, and concurrent requests sharing one refresh.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import {
  createOpportunitiesClient,
  MemoryTokenStore,
  type OpportunitiesClient,
  SignInRequiredError,
} from '../../clients/typescript/src/index.js';
import { requireDjango } from './support/django-guard.js';
import { DjangoServer } from './support/django-server.js';
import { settleAll } from './support/settle-all.js';
import { startTestService, type TestService } from './support/test-service.js';

const ACCESS_SECONDS = 3;
const LIST = '/api/v1/opportunities';
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const untilAccessExpires = () => wait(ACCESS_SECONDS * 1000 + 600);

interface Counted {
  client: OpportunitiesClient;
  store: MemoryTokenStore;
  refreshCalls: () => number;
}

function clientFor(service: TestService, django: DjangoServer, store = new MemoryTokenStore()): Counted {
  let refreshes = 0;
  const client = createOpportunitiesClient({
    baseUrl: service.url,
    djangoBaseUrl: django.baseUrl,
    tokenStore: store,
    fetch: (input, init) => {
      if (String(input).endsWith('/api/auth/refresh/')) refreshes += 1;
      return fetch(input, init);
    },
  });
  return { client, store, refreshCalls: () => refreshes };
}

describe('Interop: the TypeScript client refreshes at the real Django (simplejwt)', function () {
  this.timeout(60_000);
  const secret = randomBytes(30).toString('base64url');
  let service: TestService;
  let plain: DjangoServer; // ROTATE_REFRESH_TOKENS off
  let rotating: DjangoServer; // ROTATE_REFRESH_TOKENS and BLACKLIST_AFTER_ROTATION on
  let shortRefresh: DjangoServer; // refresh tokens live 2 s
  const stops: (() => Promise<void>)[] = [];
  const credentials = { email: 'mobile@example.com', password: 'mobile-password' };

  before(async function () {
    await requireDjango(this);
    const lifetimes = { secret, accessLifetimeSeconds: ACCESS_SECONDS };
    [plain, rotating, shortRefresh, service] = await settleAll([
      DjangoServer.start({ ...lifetimes, rotateRefreshTokens: false }),
      DjangoServer.start({ ...lifetimes, rotateRefreshTokens: true, blacklistAfterRotation: true }),
      DjangoServer.start({ secret, accessLifetimeSeconds: 1, refreshLifetimeSeconds: 2 }),
      startTestService({ JWT_SECRET: secret }),
    ]);
    stops.push(
      () => plain.stop(),
      () => rotating.stop(),
      () => shortRefresh.stop(),
      () => service.stop(),
    );
    await settleAll(
      [plain, rotating, shortRefresh].map((django) => django.createUser(credentials.email, credentials.password)),
    );
  });
  after(async () => {
    await Promise.allSettled(stops.map((stop) => stop()));
  });

  async function signInAndCreate(counted: Counted, title: string) {
    await counted.client.signIn(credentials);
    const created = await counted.client.api.POST(LIST, {
      body: { title, description: 'Created from the client.', category: 'client-interop' },
    });
    expect(created.response.status).to.equal(201);
    return created.data!;
  }

  for (const rotation of [false, true]) {
    it(`sign in, create, access expires, update → one refresh, update succeeds (ROTATE_REFRESH_TOKENS ${rotation ? 'on' : 'off'})`, async () => {
      const counted = clientFor(service, rotation ? rotating : plain);
      const created = await signInAndCreate(counted, `Rotation ${rotation ? 'on' : 'off'}`);
      const before = (await counted.store.load())!;

      await untilAccessExpires();
      const updated = await counted.client.api.PUT(`${LIST}/{id}`, {
        params: { path: { id: created.id }, header: { 'If-Match': `"${created.version}"` } },
        body: { title: 'Updated after a refresh', description: created.description, category: created.category },
      });
      expect(updated.response.status).to.equal(200);
      expect(updated.data?.title).to.equal('Updated after a refresh');
      expect(counted.refreshCalls()).to.equal(1);

      const after = (await counted.store.load())!;
      expect(after.access).to.not.equal(before.access);
      if (rotation) expect(after.refresh, 'the rotated refresh token is stored').to.not.equal(before.refresh);
      else expect(after.refresh).to.equal(before.refresh);

      const mine = await counted.client.api.GET(LIST, { params: { query: { category: 'client-interop', limit: 5 } } });
      expect(mine.data?.results.map((item) => item.id)).to.include(created.id);
      expect(counted.refreshCalls(), 'the new access token is used without refreshing again').to.equal(1);
    });
  }

  it('a POST whose token expired is retried once with the same generated Idempotency-Key: created once', async () => {
    const counted = clientFor(service, plain);
    await counted.client.signIn(credentials);
    await untilAccessExpires();
    const title = `Created after expiry ${Date.now()}`;
    const created = await counted.client.api.POST(LIST, {
      body: { title, description: 'Retried after a refresh.', category: 'client-interop' },
    });
    expect(created.response.status).to.equal(201);
    expect(counted.refreshCalls()).to.equal(1);
    const search = await counted.client.api.GET(LIST, {
      params: { query: { category: 'client-interop', limit: 100 } },
    });
    expect(search.data?.results.filter((item) => item.title === title)).to.have.length(1);
  });

  it('shares one refresh between concurrent requests (with rotation and the blacklist, a second would fail)', async () => {
    const counted = clientFor(service, rotating);
    const created = await signInAndCreate(counted, 'Concurrent reads');
    await untilAccessExpires();
    const reads = await Promise.all(
      [1, 2, 3, 4].map(() => counted.client.api.GET(`${LIST}/{id}`, { params: { path: { id: created.id } } })),
    );
    expect(reads.map(({ response }) => response.status)).to.deep.equal([200, 200, 200, 200]);
    expect(counted.refreshCalls()).to.equal(1);
  });

  it('a blacklisted (rotated-out) refresh token: the store is cleared and the app is told to sign in again', async () => {
    const first = clientFor(service, rotating);
    await signInAndCreate(first, 'Before the rotation');
    const stale = (await first.store.load())!;
    await untilAccessExpires();
    await first.client.api.GET(LIST); // rotates: the refresh token in `stale` is now blacklisted
    expect(first.refreshCalls()).to.equal(1);

    const copy = clientFor(service, rotating, new MemoryTokenStore(stale));
    const error = await copy.client.api.GET(LIST, { params: { query: { limit: 1 } } }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SignInRequiredError);
    expect(await copy.store.load()).to.equal(null);
  });

  it('an expired refresh token: the store is cleared and SignInRequiredError is raised', async () => {
    const counted = clientFor(service, shortRefresh);
    await counted.client.signIn(credentials);
    await wait(2600);
    const error = await counted.client.api.GET(LIST).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SignInRequiredError);
    expect((error as SignInRequiredError).reason).to.equal('refresh_refused');
    expect(counted.refreshCalls()).to.equal(1);
    expect(await counted.store.load()).to.equal(null);
  });
});
