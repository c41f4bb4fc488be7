import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { JoseAccessTokenVerifier } from '../../../src/adapters/jose/jose-access-token-verifier.js';
import { loadVerificationKeys } from '../../../src/adapters/jose/verification-keys.js';
import { TokenRejectedError } from '../../../src/application/ports/access-token-verifier.port.js';
import { simplejwtPayload } from '../../support/raw-jwt.js';
import { rejection } from '../../support/rejection.js';

/** JWKS cache policy (docs/configuration.md): refetch for unknown kids at most every 30 s, re-read after 10 min. */
const COOLDOWN_MS = 30_000;
const CACHE_MAX_AGE_MS = 10 * 60_000;

describe('JWKS verification keys', () => {
  let server: Server;
  let hits = 0;
  let url: string;
  let sign: (kid: string | undefined) => Promise<string>;
  const realNow = Date.now;
  let skewMs = 0;

  /** jose reads the time from Date.now(); moving it is how these tests step over the cooldown. */
  const advance = (ms: number) => {
    skewMs += ms;
  };

  before(async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'published', alg: 'RS256', use: 'sig' };
    server = createServer((_req, res) => {
      hits += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
    sign = (kid) =>
      new SignJWT(simplejwtPayload())
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...(kid ? { kid } : {}) })
        .sign(privateKey);
  });
  beforeEach(() => {
    hits = 0;
    skewMs = 0;
    Date.now = () => realNow() + skewMs;
  });
  afterEach(() => {
    Date.now = realNow;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function aVerifier(): Promise<JoseAccessTokenVerifier> {
    return new JoseAccessTokenVerifier({
      algorithm: 'RS256',
      keys: await loadVerificationKeys({ algorithm: 'RS256', jwksUrl: url }),
      leewaySeconds: 0,
      claims: { userId: 'user_id', tokenType: 'token_type', tokenId: 'jti' },
      maxTokenBytes: 8192,
    });
  }

  async function refusesUnknownKids(verifier: JoseAccessTokenVerifier, count: number): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      const error = await rejection(verifier.verify(await sign(`unknown-${i}`)), 'a token with an unknown kid');
      expect(error).to.be.instanceOf(TokenRejectedError);
      expect((error as TokenRejectedError).reason).to.equal('unknown_key');
    }
  }

  it('fetches the set once for any number of tokens with a known kid or none', async () => {
    const verifier = await aVerifier();
    expect(hits, 'nothing is fetched before the first token').to.equal(0);
    for (let i = 0; i < 3; i += 1) {
      expect((await verifier.verify(await sign('published'))).userId).to.be.a('string');
      expect((await verifier.verify(await sign(undefined))).userId).to.be.a('string');
    }
    expect(hits).to.equal(1);
  });

  it('refetches for unknown key ids exactly once per 30 s cooldown', async () => {
    const verifier = await aVerifier();
    await verifier.verify(await sign('published'));
    expect(hits).to.equal(1);
    await refusesUnknownKids(verifier, 5);
    expect(hits, 'within the cooldown of the first fetch').to.equal(1);

    advance(COOLDOWN_MS - 1_000);
    await refusesUnknownKids(verifier, 3);
    expect(hits, 'one second before the cooldown ends').to.equal(1);

    advance(2_000);
    await refusesUnknownKids(verifier, 5);
    expect(hits, 'after the cooldown: one refetch, then the next cooldown').to.equal(2);

    advance(COOLDOWN_MS + 1_000);
    await refusesUnknownKids(verifier, 2);
    expect(hits).to.equal(3);
  });

  it('re-reads the set once it is 10 minutes old, even for known keys', async () => {
    const verifier = await aVerifier();
    await verifier.verify(await sign('published'));
    advance(CACHE_MAX_AGE_MS - 1_000);
    await verifier.verify(await sign('published'));
    expect(hits).to.equal(1);
    advance(2_000);
    await verifier.verify(await sign('published'));
    await verifier.verify(await sign(undefined));
    expect(hits).to.equal(2);
  });
});
