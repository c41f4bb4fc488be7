import { expect } from 'chai';
import { SignJWT } from 'jose';
import { startTestService, TEST_SECRET, type TestService } from '../../support/test-service.js';

const PATH = '/api/v1/opportunities';

interface RefusalJson {
  code: string;
  detail: string;
  token_error?: string;
  messages?: { token_class: string; token_type: string; message: string }[];
}

describe('HTTP: authentication like simplejwt', () => {
  let api: TestService;

  before(async () => {
    api = await startTestService();
  });
  after(async () => api.stop());

  async function refusal(headers: Record<string, string>, path = PATH, method = 'GET') {
    const response = await api.request(path, { method, headers });
    return {
      status: response.status,
      authenticate: response.headers.get('www-authenticate'),
      json: (await response.json()) as RefusalJson,
    };
  }

  it('serves public endpoints without credentials, and ignores other schemes like simplejwt', async () => {
    expect((await api.request(PATH)).status).to.equal(200);
    expect((await api.request(PATH, { headers: { authorization: 'Basic dXNlcjpwYXNz' } })).status).to.equal(200);
    // Case-sensitive scheme, as in simplejwt: "bearer" is not "Bearer" and counts as no credentials.
    const lower = await refusal({ authorization: `bearer ${await api.tokenFor({ userId: 'u1' })}` }, PATH, 'POST');
    expect(lower.status).to.equal(401);
    expect(lower.json.code).to.equal('not_authenticated');
    expect(lower.json.detail).to.equal('Authentication credentials were not provided.');
    expect(lower.authenticate).to.equal('Bearer realm="api"');
  });

  it('refuses a malformed Authorization header with bad_authorization_header', async () => {
    for (const header of ['Bearer', 'Bearer a b']) {
      const result = await refusal({ authorization: header });
      expect(result.status, header).to.equal(401);
      expect(result.json.code).to.equal('bad_authorization_header');
      expect(result.json.detail).to.equal('Authorization header must contain two space-delimited values');
      expect(result.authenticate).to.contain('error="invalid_request"');
    }
  });

  it('refuses a bad token with 401 even on public endpoints (DRF authenticates eagerly)', async () => {
    for (const path of [PATH, `${PATH}/search?q=x`, `${PATH}/category/music`]) {
      const result = await refusal({ authorization: 'Bearer not-a-jwt' }, path);
      expect(result.status, path).to.equal(401);
      expect(result.json.code).to.equal('token_not_valid');
      expect(result.json.detail).to.equal('Given token not valid for any token type');
      expect(result.json.token_error).to.equal('invalid');
      expect(result.authenticate).to.match(/^Bearer realm="api", error="invalid_token", error_description="[^"]+"$/);
    }
  });

  it('tells an expired token apart from an invalid one', async () => {
    const expired = await api.tokenFor({
      userId: 'u1',
      issuedAt: Math.floor(Date.now() / 1000) - 600,
      lifetimeSeconds: 300,
    });
    const result = await refusal({ authorization: `Bearer ${expired}` });
    expect(result.status).to.equal(401);
    expect(result.json.token_error).to.equal('expired');
    expect(result.json.messages?.[0]).to.deep.equal({
      token_class: 'AccessToken',
      token_type: 'access',
      message: 'Token is expired',
    });
    expect(result.authenticate).to.contain('The access token expired');
  });

  it('refuses refresh tokens, other keys and missing claims with simplejwt messages', async () => {
    const cases: [string, Promise<string>, string][] = [
      ['refresh token', api.tokenFor({ userId: 'u1', tokenType: 'refresh' }), 'Token has wrong type'],
      ['no jti', api.tokenFor({ userId: 'u1', extra: { jti: undefined } }), 'Token has no id'],
      ['no token_type', api.tokenFor({ userId: 'u1', extra: { token_type: undefined } }), 'Token has no type'],
      ['no exp', api.tokenFor({ userId: 'u1', extra: { exp: undefined } }), "Token has no 'exp' claim"],
      [
        'other secret',
        new SignJWT({ token_type: 'access', jti: 'a'.repeat(32), user_id: 'u1' })
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(`${TEST_SECRET}-other`)),
        'Token is invalid',
      ],
    ];
    for (const [name, tokenPromise, message] of cases) {
      const result = await refusal({ authorization: `Bearer ${await tokenPromise}` });
      expect(result.status, name).to.equal(401);
      expect(result.json.messages?.[0]?.message, name).to.equal(message);
    }
    const noUser = await refusal({
      authorization: `Bearer ${await api.tokenFor({ userId: 'x', extra: { user_id: undefined } })}`,
    });
    expect(noUser.json.detail).to.equal('Token contained no recognizable user identification');
    expect(noUser.json.code).to.equal('token_not_valid');
  });

  it('logs each refusal once at warn with a reason and never the token', async () => {
    const token = await api.tokenFor({ userId: 'u-logged', tokenType: 'refresh' });
    const before = api.logger.lines.length;
    await api.request(PATH, { headers: { authorization: `Bearer ${token}`, 'x-request-id': 'req-auth-1' } });
    const lines = api.logger.lines.slice(before).filter((line) => line.fields.event === 'auth_failure');
    expect(lines).to.have.length(1);
    expect(lines[0]?.level).to.equal('warn');
    expect(lines[0]?.fields).to.include({ reason: 'wrong_type', requestId: 'req-auth-1', userId: 'u-logged' });
    expect(lines[0]?.fields.clientIp).to.be.a('string');
    const logged = api.logger.text();
    for (const part of token.split('.')) expect(logged).to.not.contain(part);
    expect(logged).to.not.contain(TEST_SECRET);
  });
});
