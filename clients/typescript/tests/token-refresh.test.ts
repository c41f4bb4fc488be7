import { expect } from 'chai';
import { createOpportunitiesClient, MemoryTokenStore, SignInFailedError, SignInRequiredError } from '../src/index.js';
import { FakeBackends } from './fake-backends.js';

const LIST = '/api/v1/opportunities';
const body = { title: 'Piano lessons', description: 'Weekly.', category: 'music' };

function setUp(rotate = false, idempotencyKeys?: (() => string) | false) {
  const backends = new FakeBackends();
  backends.rotate = rotate;
  const store = new MemoryTokenStore({ access: 'access-1', refresh: 'refresh-1' });
  const client = createOpportunitiesClient({
    baseUrl: 'http://service.test/',
    djangoBaseUrl: 'http://django.test',
    tokenStore: store,
    fetch: backends.fetch,
    ...(idempotencyKeys === undefined ? {} : { idempotencyKeys }),
  });
  return { backends, store, client };
}

describe('TypeScript client: tokens and refresh at Django', () => {
  it('signs in at Django, stores both tokens and sends the access token', async () => {
    const { backends, store, client } = setUp();
    await store.clear();
    await client.signIn({ email: 'a@example.com', password: 'right' });
    expect(await store.load()).to.deep.equal({ access: 'access-1', refresh: 'refresh-1' });
    const { response } = await client.api.GET(LIST);
    expect(response.status).to.equal(200);
    expect(backends.serviceCalls).to.deep.equal([`GET ${LIST} Bearer access-1`]);
  });

  it('reports bad credentials with a typed error and stores nothing', async () => {
    const { store, client } = setUp();
    await store.clear();
    const error = await client.signIn({ email: 'a@example.com', password: 'wrong' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SignInFailedError);
    expect((error as SignInFailedError).detail).to.contain('No active account');
    expect(await store.load()).to.equal(null);
  });

  it('on an expired token: refreshes once, keeps the refresh token when Django does not rotate, retries once', async () => {
    const { backends, store, client } = setUp(false);
    backends.expireAccess();
    const { response } = await client.api.GET(LIST);
    expect(response.status).to.equal(200);
    expect(backends.refreshCalls).to.equal(1);
    expect(backends.serviceCalls).to.deep.equal([`GET ${LIST} Bearer access-1`, `GET ${LIST} Bearer access-2`]);
    expect(await store.load()).to.deep.equal({ access: 'access-2', refresh: 'refresh-1' });
  });

  it('stores the rotated refresh token when Django rotates', async () => {
    const { backends, store, client } = setUp(true);
    backends.expireAccess();
    await client.api.GET(LIST);
    expect(await store.load()).to.deep.equal({ access: 'access-2', refresh: 'refresh-2' });
  });

  it('shares one refresh between concurrent requests (single flight)', async () => {
    const { backends, client } = setUp(true);
    backends.expireAccess();
    const responses = await Promise.all([1, 2, 3, 4].map(() => client.api.GET(LIST)));
    expect(responses.map(({ response }) => response.status)).to.deep.equal([200, 200, 200, 200]);
    expect(backends.refreshCalls).to.equal(1);
    // A later request that still carried the old token reuses the new one without asking Django again.
    expect(backends.serviceCalls.filter((call) => call.endsWith('access-2'))).to.have.length(4);
  });

  it('never retries twice: a retry that is refused again is returned as is', async () => {
    const { backends, client } = setUp();
    backends.expireAccess();
    const original = backends.fetch;
    const fetchSpy = async (input: string | URL | Request, init?: RequestInit) => {
      const response = await original(input, init);
      backends.expireAccess(); // every token dies at once
      return response;
    };
    const spied = createOpportunitiesClient({
      baseUrl: 'http://service.test',
      djangoBaseUrl: 'http://django.test',
      tokenStore: new MemoryTokenStore({ access: 'access-1', refresh: 'refresh-1' }),
      fetch: fetchSpy,
    });
    const { response, error } = await spied.api.GET(LIST);
    expect(response.status).to.equal(401);
    expect(error).to.have.property('token_error', 'expired');
    expect(backends.serviceCalls).to.have.length(2);
    expect(backends.refreshCalls).to.equal(1);
    void client;
  });

  it('does not refresh for a token refused as invalid', async () => {
    const { backends, client } = setUp();
    const garbage = createOpportunitiesClient({
      baseUrl: 'http://service.test',
      djangoBaseUrl: 'http://django.test',
      tokenStore: new MemoryTokenStore({ access: 'garbage', refresh: 'refresh-1' }),
      fetch: backends.fetch,
    });
    const { response } = await garbage.api.GET(LIST);
    expect(response.status).to.equal(401);
    expect(backends.refreshCalls).to.equal(0);
    void client;
  });

  it('when Django refuses the refresh token: clears the store and throws SignInRequiredError', async () => {
    const { backends, store, client } = setUp();
    backends.expireAccess();
    backends.refreshTokens.clear(); // expired or blacklisted
    const error = await client.api.GET(LIST).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(SignInRequiredError);
    expect((error as SignInRequiredError).reason).to.equal('refresh_refused');
    expect(await store.load()).to.equal(null);
  });

  it('sends a POST without an Idempotency-Key only once, but stores the refreshed token', async () => {
    const { backends, store, client } = setUp(false, false);
    backends.expireAccess();
    const { response } = await client.api.POST(LIST, { body });
    expect(response.status).to.equal(401);
    expect(backends.serviceCalls.filter((call) => call.startsWith('POST'))).to.have.length(1);
    expect((await store.load())?.access).to.equal('access-2');
  });

  it('retries a POST that carries an Idempotency-Key, once', async () => {
    const { backends, client } = setUp();
    backends.expireAccess();
    const { response } = await client.api.POST(LIST, { body, headers: { 'Idempotency-Key': 'key-1' } });
    expect(response.status).to.equal(200);
    expect(backends.serviceCalls.filter((call) => call.startsWith('POST'))).to.have.length(2);
  });

  it('gives a POST without one a fresh Idempotency-Key, and retries it once with the same key', async () => {
    let next = 0;
    const { backends, client } = setUp(false, () => `generated-${++next}`);
    const keys: (string | null)[] = [];
    const original = backends.fetch;
    const spy = createOpportunitiesClient({
      baseUrl: 'http://service.test',
      djangoBaseUrl: 'http://django.test',
      tokenStore: new MemoryTokenStore({ access: 'access-1', refresh: 'refresh-1' }),
      fetch: (input, init) => {
        if (input instanceof Request && input.method === 'POST') keys.push(input.headers.get('idempotency-key'));
        return original(input, init);
      },
      idempotencyKeys: () => `generated-${++next}`,
    });
    backends.expireAccess();
    const { response } = await spy.api.POST(LIST, { body });
    expect(response.status).to.equal(200);
    expect(keys).to.deep.equal(['generated-1', 'generated-1']);
    expect(backends.refreshCalls).to.equal(1);
    void client;
  });

  it('refreshes before a POST without Idempotency-Key when the token is about to expire', async () => {
    const backends = new FakeBackends();
    const soon = Math.floor(Date.now() / 1000);
    const expiring = `e30.${btoa(JSON.stringify({ exp: soon })).replace(/=+$/, '')}.sig`;
    const client = createOpportunitiesClient({
      baseUrl: 'http://service.test',
      djangoBaseUrl: 'http://django.test',
      tokenStore: new MemoryTokenStore({ access: expiring, refresh: 'refresh-1' }),
      fetch: backends.fetch,
      idempotencyKeys: false,
    });
    const { response } = await client.api.POST(LIST, { body });
    expect(response.status).to.equal(200);
    expect(backends.refreshCalls).to.equal(1);
    expect(backends.serviceCalls).to.deep.equal([`POST ${LIST} Bearer access-2`]);
  });

  it('without tokens, sends requests anonymously (public routes work)', async () => {
    const { backends, store, client } = setUp();
    await store.clear();
    backends.valid.add('');
    await client.api.GET(LIST);
    expect(backends.serviceCalls).to.deep.equal([`GET ${LIST} `]);
    expect(backends.refreshCalls).to.equal(0);
  });
});
