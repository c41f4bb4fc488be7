import { expect } from 'chai';
import { createOpportunitiesClient, MAX_RETRY_BUDGET_MS, MemoryTokenStore } from '../src/index.js';
import { retryingFetch } from '../src/retrying-fetch.js';

const LIST = '/api/v1/opportunities';
const body = { title: 'Piano lessons', description: 'Weekly.', category: 'music' };
const unavailable = (retryAfter?: string) => () =>
  new Response(JSON.stringify({ status: 503, code: 'service_unavailable' }), {
    status: 503,
    headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  });
const ok =
  (status = 200) =>
  () =>
    new Response(JSON.stringify({ next: null, previous: null, results: [] }), { status });

/** A service that answers from a script, recording what each attempt carried; a virtual clock. */
function scripted(...answers: Array<(() => Response) | Error>) {
  const seen: Array<{ method: string; key: string | null; body: string }> = [];
  const waits: number[] = [];
  let clock = 0;
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    seen.push({ method: request.method, key: request.headers.get('idempotency-key'), body: await request.text() });
    const answer = answers[Math.min(seen.length - 1, answers.length - 1)] as (() => Response) | Error;
    if (answer instanceof Error) throw answer;
    return answer();
  };
  const retry = {
    now: () => clock,
    sleep: async (ms: number) => {
      waits.push(ms);
      clock += ms;
    },
    random: () => 0.5,
  };
  return { fetch, seen, waits, retry, elapsed: () => clock };
}

function client(service: ReturnType<typeof scripted>, extra: { budgetMs?: number; keys?: false } = {}) {
  return createOpportunitiesClient({
    baseUrl: 'http://service.test',
    djangoBaseUrl: 'http://django.test',
    tokenStore: new MemoryTokenStore({ access: 'access-1', refresh: 'refresh-1' }),
    fetch: service.fetch,
    retry: { ...service.retry, ...(extra.budgetMs === undefined ? {} : { budgetMs: extra.budgetMs }) },
    ...(extra.keys === false ? { idempotencyKeys: false as const } : {}),
  });
}

describe('TypeScript client: retries through a failover', () => {
  it('repeats a read after 503s, waiting at least Retry-After each time', async () => {
    const service = scripted(unavailable('2'), unavailable('1'), ok());
    const { response } = await client(service).api.GET(LIST);
    expect(response.status).to.equal(200);
    expect(service.seen).to.have.length(3);
    expect(service.waits[0]).to.be.at.least(2_000);
    expect(service.waits[1]).to.be.at.least(1_000);
  });

  it('repeats a keyed create with the same Idempotency-Key and body, so it is stored once', async () => {
    const service = scripted(unavailable('1'), new TypeError('fetch failed'), ok(201));
    const { response } = await client(service).api.POST(LIST, { body });
    expect(response.status).to.equal(201);
    expect(service.seen).to.have.length(3);
    const keys = new Set(service.seen.map((attempt) => attempt.key));
    expect(keys.size).to.equal(1);
    expect([...keys][0]).to.match(/^[0-9a-f-]{36}$/);
    for (const attempt of service.seen) expect(JSON.parse(attempt.body)).to.deep.equal(body);
  });

  it('never repeats a create without a key, nor an unconditional PUT', async () => {
    const create = scripted(unavailable('1'), ok(201));
    expect((await client(create, { keys: false }).api.POST(LIST, { body })).response.status).to.equal(503);
    expect(create.seen).to.have.length(1);
    const put = scripted(unavailable('1'), ok());
    const path = '/api/v1/opportunities/{id}' as const;
    const params = { path: { id: '0b7e2d8e-4a43-4a52-9d0e-3f1c7a1e9b11' } };
    expect((await client(put).api.PUT(path, { params, body })).response.status).to.equal(503);
    expect(put.seen).to.have.length(1);
    const conditional = scripted(unavailable('1'), ok());
    const { response } = await client(conditional).api.PUT(path, { params, body, headers: { 'If-Match': '"3"' } });
    expect(response.status).to.equal(200);
    expect(conditional.seen).to.have.length(2);
  });

  it('backs off exponentially with jitter after network errors', async () => {
    const service = scripted(...Array.from({ length: 5 }, () => new TypeError('fetch failed')), ok());
    await client(service).api.GET(LIST);
    expect(service.waits).to.have.length(5);
    // random() = 0.5: three quarters of 250, 500, 1000, 2000, 4000 ms.
    expect(service.waits).to.deep.equal([187.5, 375, 750, 1500, 3000]);
  });

  it('stops at the total budget and returns the last answer', async () => {
    const service = scripted(unavailable('2'));
    const { response } = await client(service, { budgetMs: 9_000 }).api.GET(LIST);
    expect(response.status).to.equal(503);
    expect(service.elapsed()).to.be.at.most(9_000);
    expect(service.seen.length).to.be.within(3, 5);
    const down = scripted(new TypeError('fetch failed'));
    const error = await client(down, { budgetMs: 5_000 })
      .api.GET(LIST)
      .catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TypeError);
    expect(down.elapsed()).to.be.at.most(5_000);
  });

  it('caps the budget at its upper bound, and 0 turns retries off', async () => {
    const endless = scripted(unavailable('60'));
    const waits: number[] = [];
    let clock = 0;
    const fetchWithRetries = retryingFetch((request) => endless.fetch(request), {
      budgetMs: 10 * MAX_RETRY_BUDGET_MS,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
      random: () => 0,
    });
    expect((await fetchWithRetries(new Request(`http://service.test${LIST}`))).status).to.equal(503);
    expect(clock).to.be.at.most(MAX_RETRY_BUDGET_MS);
    expect(waits).to.have.length(2);
    const off = scripted(unavailable('1'), ok());
    expect((await client(off, { budgetMs: 0 }).api.GET(LIST)).response.status).to.equal(503);
    expect(off.seen).to.have.length(1);
  });
});
