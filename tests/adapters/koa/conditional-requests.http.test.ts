import { expect } from 'chai';
import { startTestService, type TestService } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';
const body = (title = 'Harbour tour') => ({ title, description: 'Guided walk.', category: 'tourism' });

describe('HTTP: conditional requests (RFC 9110)', () => {
  let api: TestService;
  let strict: TestService;
  let token: string;

  before(async () => {
    api = await startTestService({ RATE_LIMIT_WRITES: '100000' });
    strict = await startTestService({ REQUIRE_IF_MATCH: 'true', RATE_LIMIT_WRITES: '100000' });
    token = await api.tokenFor({ userId: 'conditional-user' });
  });
  after(async () => {
    await api.stop();
    await strict.stop();
  });

  async function create(service = api): Promise<string> {
    const response = await service.request(PATH, { method: 'POST', token, json: body() });
    expect(response.status).to.equal(201);
    return `${PATH}/${((await response.json()) as { id: string }).id}`;
  }
  const put = (path: string, ifMatch?: string, title = 'Changed', service = api) =>
    service.request(path, {
      method: 'PUT',
      token,
      json: body(title),
      ...(ifMatch === undefined ? {} : { headers: { 'if-match': ifMatch } }),
    });
  const remove = (path: string, ifMatch?: string, service = api) =>
    service.request(path, {
      method: 'DELETE',
      token,
      ...(ifMatch === undefined ? {} : { headers: { 'if-match': ifMatch } }),
    });

  it('answers a stale If-Match with 412, the current ETag and version_mismatch; a list may match', async () => {
    const path = await create();
    expect((await put(path, '"1"')).status).to.equal(200);
    const stale = await put(path, '"1"', 'Lost');
    expect(stale.status).to.equal(412);
    expect(stale.headers.get('etag')).to.equal('"2"');
    expect(await stale.json()).to.include({ code: 'version_mismatch', currentVersion: 2, status: 412 });
    expect((await put(path, 'W/"2"')).status, 'a weak tag never matches If-Match').to.equal(412);
    expect((await put(path, '"7", "2"')).status).to.equal(200);
    expect(((await (await api.request(path)).json()) as { title: string; version: number }).version).to.equal(3);
  });

  it('treats If-Match: * as "any existing version", and a missing row stays 404', async () => {
    const path = await create();
    expect((await put(path, '*')).status).to.equal(200);
    expect((await remove(path, '*')).status).to.equal(204);
    expect((await put(path, '*')).status).to.equal(404);
  });

  it('makes DELETE conditional too: stale 412 with the current ETag, nothing deleted', async () => {
    const path = await create();
    await put(path);
    const stale = await remove(path, '"1"');
    expect(stale.status).to.equal(412);
    expect(stale.headers.get('etag')).to.equal('"2"');
    expect((await api.request(path)).status).to.equal(200);
    expect((await remove(path, '"2"')).status).to.equal(204);
  });

  it('answers GET with a matching If-None-Match by 304, the ETag and no body', async () => {
    const path = await create();
    const first = await api.request(path);
    const etag = first.headers.get('etag') as string;
    expect(first.headers.get('cache-control')).to.equal('no-cache');
    for (const header of [etag, `W/${etag}`, `"9", ${etag}`, '*']) {
      const revalidated = await api.request(path, { headers: { 'if-none-match': header } });
      expect(revalidated.status, header).to.equal(304);
      expect(revalidated.headers.get('etag')).to.equal(etag);
      expect(await revalidated.text()).to.equal('');
    }
    await put(path);
    const changed = await api.request(path, { headers: { 'if-none-match': etag } });
    expect(changed.status).to.equal(200);
    expect(changed.headers.get('etag')).to.equal('"2"');
  });

  it('with REQUIRE_IF_MATCH=true refuses a PUT or DELETE without If-Match with 428', async () => {
    const path = await create(strict);
    for (const response of [await put(path, undefined, 'Blind', strict), await remove(path, undefined, strict)]) {
      expect(response.status).to.equal(428);
      expect(((await response.json()) as { code: string }).code).to.equal('precondition_required');
    }
    expect((await put(path, '"1"', 'Seen', strict)).status).to.equal(200);
    expect((await remove(path, '*', strict)).status).to.equal(204);
    expect((await put(await create(), undefined)).status, 'off by default').to.equal(200);
  });

  it('never loses an update: racing unconditional PUTs each get a distinct version or 409', async () => {
    const path = await create();
    const titles = Array.from({ length: 12 }, (_, index) => `Racer ${index}`);
    const responses = await Promise.all(titles.map((title) => put(path, undefined, title)));
    const winners: { title: string; version: number }[] = [];
    for (const response of responses) {
      expect([200, 409]).to.include(response.status);
      const json = (await response.json()) as { title: string; version: number; code?: string };
      if (response.status === 200) winners.push(json);
      else expect(json.code).to.equal('concurrent_update');
    }
    const versions = winners.map((winner) => winner.version);
    expect(new Set(versions).size, 'two successes reported the same version').to.equal(versions.length);
    const stored = (await (await api.request(path)).json()) as { title: string; version: number };
    expect(stored.version).to.equal(1 + winners.length);
    const last = winners.find((winner) => winner.version === stored.version);
    expect(stored.title).to.equal(last?.title);
  });
});
