import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { JoseAccessTokenVerifier } from '../../../src/adapters/jose/jose-access-token-verifier.js';
import { loadVerificationKeys } from '../../../src/adapters/jose/verification-keys.js';
import type { TokenRejectedError } from '../../../src/application/ports/access-token-verifier.port.js';
import { simplejwtPayload } from '../../support/raw-jwt.js';

describe('JWKS verification keys', () => {
  let server: Server;
  let hits = 0;
  let url: string;
  let sign: (kid: string | undefined) => Promise<string>;

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
  after(() => server.close());

  it('fetches the set once, and refetches at most once per cooldown for unknown key ids', async () => {
    const verifier = new JoseAccessTokenVerifier({
      algorithm: 'RS256',
      keys: await loadVerificationKeys({ algorithm: 'RS256', jwksUrl: url }),
      leewaySeconds: 0,
      claims: { userId: 'user_id', tokenType: 'token_type', tokenId: 'jti' },
      maxTokenBytes: 8192,
    });
    for (let i = 0; i < 3; i += 1) {
      expect((await verifier.verify(await sign('published'))).userId).to.be.a('string');
      expect((await verifier.verify(await sign(undefined))).userId).to.be.a('string');
    }
    expect(hits).to.equal(1);
    for (let i = 0; i < 5; i += 1) {
      try {
        await verifier.verify(await sign(`unknown-${i}`));
        expect.fail('a token with an unknown kid was accepted');
      } catch (error) {
        expect((error as TokenRejectedError).reason).to.equal('unknown_key');
      }
    }
    expect(hits).to.be.at.most(2);
  });
});
