/**
 * End to end against a real Django + simplejwt 5.2.2: tokens obtained from Django's login and
 * refresh endpoints drive the service over HTTP, in every key mode the service supports.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { signSimplejwtAccessToken } from '../support/simplejwt-token.js';
import { waitUntil } from '../support/wait.js';
import { requireDjango } from './support/django-guard.js';
import {
  type InteropFixture,
  AUDIENCE,
  ISSUER,
  JWKS_KID,
  login,
  startInteropFixture,
} from './support/interop-fixture.js';
import { accessClaims, craft, decodeSegment, nowSeconds, rsaSigner } from './support/jwt-craft.js';
import { type ApiResponse, call, OPPORTUNITIES, opportunityBody, type TestService } from './support/test-service.js';

const create = (service: TestService, token: string, title = 'Interop opportunity', extra = {}) =>
  call(service.url, 'POST', OPPORTUNITIES, { token, body: opportunityBody(title, extra) });

/** The service's refusal of a token: simplejwt's shape plus token_error, with an RFC 6750 challenge. */
function expectRefused(response: ApiResponse, tokenError: 'expired' | 'invalid', message?: string): void {
  expect(response.status, JSON.stringify(response.body)).to.equal(401);
  expect(response.body.code).to.equal('token_not_valid');
  expect(response.body.token_error).to.equal(tokenError);
  if (message !== undefined) expect(response.body.messages?.[0]?.message).to.equal(message);
  expect(response.wwwAuthenticate).to.match(/^Bearer realm="api", error="invalid_token", error_description="[^"]+"$/);
}

describe('interop with Django REST framework simplejwt 5.2.2', function () {
  this.timeout(60_000);
  let f: InteropFixture;

  before(async function () {
    await requireDjango(this);
    f = await startInteropFixture();
  });

  after(async () => {
    await f?.stop();
  });

  describe('HS256 with a shared secret', () => {
    // Each test stands alone: what one creates, it creates itself, so one failure cannot cascade.
    let aliceTokens: { access: string; refresh: string };
    let eveAccess: string; // lives 1 s: obtained early so that the expiry test waits less

    before(async () => {
      [aliceTokens, { access: eveAccess }] = await Promise.all([
        login(f.django.main, f.users.alice),
        login(f.django.expiring, f.users.eve),
      ]);
    });

    /** An opportunity of Alice's, created with her Django access token, in a category of its own. */
    async function alicesOpportunity(title = 'Garden day') {
      const word = `interop${randomBytes(4).toString('hex')}`;
      const category = `interop-${randomBytes(4).toString('hex')}`;
      const response = await create(f.service.main, aliceTokens.access, `${title} ${word}`, { category });
      expect(response.status, JSON.stringify(response.body)).to.equal(201);
      return {
        ...(response.body as { id: string; title: string }),
        word,
        category,
        path: `${OPPORTUNITIES}/${response.body.id}`,
      };
    }

    it('an opportunity created with a Django access token belongs to the Django user', async () => {
      const created = await alicesOpportunity();
      expect(created).to.include({ createdBy: f.users.alice.id });
      expect(decodeSegment(aliceTokens.access, 1).user_id).to.equal(f.users.alice.id); // the UUID string, as sent
    });

    it('list, get, search and category show it', async () => {
      const created = await alicesOpportunity();
      const url = f.service.main.url;
      const list = await call(url, 'GET', `${OPPORTUNITIES}?createdBy=${f.users.alice.id}&limit=1`);
      const get = await call(url, 'GET', created.path, { token: aliceTokens.access });
      const search = await call(url, 'GET', `${OPPORTUNITIES}/search?q=${created.word}`);
      const byCategory = await call(url, 'GET', `${OPPORTUNITIES}/category/${created.category}`);
      for (const page of [list, search, byCategory]) {
        expect(page.status).to.equal(200);
        expect(page.body.results.map((o: { id: string }) => o.id)).to.deep.equal([created.id]);
      }
      expect(get.status).to.equal(200);
      expect(get.body).to.include({ id: created.id, createdBy: f.users.alice.id, title: created.title });
    });

    it('another Django user gets 403 on PUT and DELETE, and the opportunity is unchanged', async () => {
      const created = await alicesOpportunity();
      const before = await call(f.service.main.url, 'GET', created.path);
      const { access } = await login(f.django.main, f.users.bob);
      const put = await call(f.service.main.url, 'PUT', created.path, {
        token: access,
        body: opportunityBody('Taken over'),
      });
      const del = await call(f.service.main.url, 'DELETE', created.path, { token: access });
      expect([put.status, put.body.code, del.status, del.body.code]).to.deep.equal([
        403,
        'forbidden',
        403,
        'forbidden',
      ]);
      const after = await call(f.service.main.url, 'GET', created.path);
      expect(after.body).to.deep.equal(before.body);
    });

    it('an admin (role "admin" in the token) may update and delete it', async () => {
      const created = await alicesOpportunity();
      const { access } = await login(f.django.main, f.users.root);
      expect(decodeSegment(access, 1).role).to.equal('admin');
      const put = await call(f.service.main.url, 'PUT', created.path, {
        token: access,
        body: opportunityBody('Moderated'),
      });
      expect(put.status, JSON.stringify(put.body)).to.equal(200);
      expect(put.body).to.include({ title: 'Moderated', createdBy: f.users.alice.id });
      expect((await call(f.service.main.url, 'DELETE', created.path, { token: access })).status).to.equal(204);
      expect((await call(f.service.main.url, 'GET', created.path)).status).to.equal(404);
    });

    it("accepts an access token from Django's refresh endpoint, which keeps the login iat", async () => {
      const loginIat = decodeSegment(aliceTokens.refresh, 1).iat as number;
      // Once the clock has passed the login second, a freshly issued iat would differ from it.
      await waitUntil(() => nowSeconds() > loginIat, { timeoutMs: 3_000, what: 'the second after the login' });
      const { access } = await f.django.main.refresh(aliceTokens.refresh);
      const claims = decodeSegment(access, 1);
      expect(claims.iat).to.equal(loginIat);
      expect(claims.iat).to.be.below(nowSeconds());
      expect((claims.exp as number) - loginIat).to.be.greaterThan(300); // longer than ACCESS_TOKEN_LIFETIME
      expect(claims.jti).to.not.equal(decodeSegment(aliceTokens.access, 1).jti);
      const response = await create(f.service.main, access, 'Created with a refreshed token');
      expect(response.status, JSON.stringify(response.body)).to.equal(201);
      expect(response.body.createdBy).to.equal(f.users.alice.id);
    });

    it('refuses the refresh token used as an access token: "Token has wrong type"', async () => {
      expect((await f.django.main.profile(`Bearer ${aliceTokens.refresh}`)).status).to.equal(401);
      expectRefused(await create(f.service.main, aliceTokens.refresh), 'invalid', 'Token has wrong type');
    });

    it('refuses a token from a Django with a different secret, also on a public endpoint', async () => {
      const { access } = await login(f.django.old, f.users.olga);
      expect((await f.django.main.profile(`Bearer ${access}`)).status).to.equal(401);
      expectRefused(await create(f.service.main, access), 'invalid', 'Token is invalid');
      expectRefused(await call(f.service.main.url, 'GET', OPPORTUNITIES, { token: access }), 'invalid');
    });

    it('refuses an expired access token (same secret) with token_error "expired"', async () => {
      const access = eveAccess;
      const { exp, iat } = decodeSegment(access, 1) as { exp: number; iat: number };
      expect(exp - iat).to.equal(1);
      // Django itself is the judge of when the token has expired; then the service must agree.
      await waitUntil(async () => (await f.django.expiring.profile(`Bearer ${access}`)).status === 401, {
        timeoutMs: 5_000,
        intervalMs: 100,
        what: 'Django to refuse the 1 s token',
      });
      expectRefused(await create(f.service.main, access), 'expired', 'Token is expired');
    });
  });

  describe('secret rotation (JWT_SECRET_PREVIOUS)', () => {
    it('accepts tokens Django still signs with the old secret while the previous secret is configured', async () => {
      const { access } = await login(f.django.old, f.users.olga);
      const response = await create(f.service.rotating, access);
      expect(response.status, JSON.stringify(response.body)).to.equal(201);
      expect(response.body.createdBy).to.equal(f.users.olga.id);
    });

    it('accepts tokens signed with the new secret', async () => {
      const token = await signSimplejwtAccessToken(f.secrets.new, { userId: f.users.olga.id });
      expect((await create(f.service.rotating, token)).status).to.equal(201);
      expect((await create(f.service.rotated, token)).status).to.equal(201);
    });

    it('refuses them once JWT_SECRET_PREVIOUS is removed', async () => {
      const { access } = await login(f.django.old, f.users.olga);
      expectRefused(await create(f.service.rotated, access), 'invalid', 'Token is invalid');
    });

    it('refuses a secret that is neither the current nor the previous one', async () => {
      const { access } = await login(f.django.main, f.users.alice);
      expectRefused(await create(f.service.rotating, access), 'invalid');
    });
  });

  describe('RS256 with AUDIENCE and ISSUER', () => {
    let access: string;
    before(async () => {
      ({ access } = await login(f.django.rsa, f.users.rita));
    });

    it('Django signs RS256 without kid and adds aud and iss', () => {
      expect(decodeSegment(access, 0)).to.deep.equal({ typ: 'JWT', alg: 'RS256' });
      expect(decodeSegment(access, 1)).to.include({ aud: AUDIENCE, iss: ISSUER, user_id: f.users.rita.id });
    });

    it('accepts the token with the public key (PEM text) and the same audience and issuer', async () => {
      const response = await create(f.service.rsa, access);
      expect(response.status, JSON.stringify(response.body)).to.equal(201);
      expect(response.body.createdBy).to.equal(f.users.rita.id);
    });

    it('refuses it when the service expects another audience', async () => {
      expectRefused(await create(f.service.rsaOtherAudience, access), 'invalid');
    });

    it('refuses it in HS256 mode', async () => {
      expectRefused(await create(f.service.main, access), 'invalid');
    });

    it('refuses a token signed by another RSA key', async () => {
      const forged = craft(
        { alg: 'RS256', typ: 'JWT' },
        accessClaims(f.users.rita.id, { aud: AUDIENCE, iss: ISSUER }),
        rsaSigner('RS256', f.otherKeys.privateKeyPem),
      );
      expectRefused(await create(f.service.rsa, forged), 'invalid', 'Token is invalid');
    });
  });

  describe('RS256 with a JWKS URL', () => {
    const claims = () => accessClaims(f.users.rita.id, { aud: AUDIENCE, iss: ISSUER, exp: nowSeconds() + 60 });

    it("accepts Django's token (no kid) with the JWKS's single key, fetched from the URL", async () => {
      const { access } = await login(f.django.rsa, f.users.rita);
      expect(decodeSegment(access, 0)).to.not.have.property('kid');
      const response = await create(f.service.jwks, access);
      expect(response.status, JSON.stringify(response.body)).to.equal(201);
      expect(response.body.createdBy).to.equal(f.users.rita.id);
      expect(f.jwks.hits()).to.be.at.least(1);
    });

    it('accepts a token naming the published kid', async () => {
      const token = craft(
        { alg: 'RS256', typ: 'JWT', kid: JWKS_KID },
        claims(),
        rsaSigner('RS256', f.rsaKeys.privateKeyPem),
      );
      expect((await create(f.service.jwks, token)).status).to.equal(201);
    });

    it('refuses a token signed by another key, with or without the published kid', async () => {
      const other = rsaSigner('RS256', f.otherKeys.privateKeyPem);
      expectRefused(await create(f.service.jwks, craft({ alg: 'RS256', typ: 'JWT' }, claims(), other)), 'invalid');
      const withKid = craft({ alg: 'RS256', typ: 'JWT', kid: JWKS_KID }, claims(), other);
      expectRefused(await create(f.service.jwks, withKid), 'invalid');
    });

    it('accepts a token without kid while the JWKS publishes two keys (a key rotation)', async () => {
      // simplejwt 5.2.2 never sends a kid, so the verifier has to try each RS256 key of the set.
      const { access } = await login(f.django.rsa, f.users.rita);
      const response = await create(f.service.jwksRotation, access);
      expect(f.jwksRotation.hits()).to.be.at.least(1);
      const refusals = f.service.jwksRotation.logger.lines.map((line) => (line.fields as { reason?: string }).reason);
      expect(response.status, `refused, logged reasons: ${refusals.join(', ')}`).to.equal(201);
    });

    it('refuses a kid the JWKS does not publish', async () => {
      const token = craft(
        { alg: 'RS256', typ: 'JWT', kid: 'unknown' },
        claims(),
        rsaSigner('RS256', f.rsaKeys.privateKeyPem),
      );
      expectRefused(await create(f.service.jwks, token), 'invalid');
    });
  });
});
