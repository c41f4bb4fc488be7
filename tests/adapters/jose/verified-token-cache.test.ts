import { expect } from 'chai';
import { JoseAccessTokenVerifier } from '../../../src/adapters/jose/jose-access-token-verifier.js';
import { loadVerificationKeys } from '../../../src/adapters/jose/verification-keys.js';
import { VerifiedTokenCache } from '../../../src/adapters/jose/verified-token-cache.js';
import {
  type AccessTokenVerifier,
  TokenRejectedError,
  type VerifiedAccessToken,
} from '../../../src/application/ports/access-token-verifier.port.js';
import { rawJwt, simplejwtPayload } from '../../support/raw-jwt.js';

const SECRET = 'a-shared-secret-of-more-than-thirty-two-characters';
const HS256 = { alg: 'HS256', typ: 'JWT' };
const LEEWAY = 10;
const START = Date.UTC(2026, 11, 1, 12, 0, 0);

/** The real jose verifier and the cache on one adjustable clock, counting what reaches jose. */
async function subject(options: { maxEntries?: number; maxAgeMs?: number } = {}) {
  const clock = { now: START };
  const jose = new JoseAccessTokenVerifier({
    algorithm: 'HS256',
    keys: await loadVerificationKeys({ algorithm: 'HS256', secret: SECRET }),
    leewaySeconds: LEEWAY,
    claims: { userId: 'user_id', tokenType: 'token_type', tokenId: 'jti' },
    maxTokenBytes: 8192,
    now: () => clock.now,
  });
  const seen: string[] = [];
  const counting: AccessTokenVerifier = {
    verify: (token) => {
      seen.push(token);
      return jose.verify(token);
    },
  };
  const cache = new VerifiedTokenCache(counting, { leewaySeconds: LEEWAY, now: () => clock.now, ...options });
  return { cache, clock, seen };
}

const tokenFor = (overrides: Record<string, unknown> = {}) =>
  rawJwt(HS256, simplejwtPayload({ iat: START / 1000, exp: START / 1000 + 300, ...overrides }), SECRET);

async function verdict(verifier: AccessTokenVerifier, token: string): Promise<VerifiedAccessToken | string> {
  try {
    return await verifier.verify(token);
  } catch (error) {
    expect(error).to.be.instanceOf(TokenRejectedError);
    return (error as TokenRejectedError).reason;
  }
}

describe('VerifiedTokenCache', () => {
  it('verifies an accepted token once and answers the same actor from memory afterwards', async () => {
    const { cache, seen } = await subject();
    const token = tokenFor({ user_id: 42, role: 'admin' });
    const first = await cache.verify(token);
    const again = await cache.verify(token);
    expect(again).to.deep.equal(first);
    expect(first).to.deep.include({ userId: '42', role: 'admin' });
    expect(seen).to.have.length(1);
  });

  it('sends any other string, even one character apart, to the verifier', async () => {
    const { cache, seen } = await subject();
    const token = tokenFor();
    await cache.verify(token);
    const dot = token.lastIndexOf('.') + 1;
    const flipped = token[dot] === 'A' ? 'B' : 'A';
    expect(await verdict(cache, `${token.slice(0, dot)}${flipped}${token.slice(dot + 1)}`)).to.equal('bad_signature');
    expect(await verdict(cache, tokenFor({ jti: 'another' }))).to.be.an('object');
    expect(seen).to.have.length(3);
  });

  it('honours exp plus the leeway: from that instant jose judges again and refuses it as expired', async () => {
    const { cache, clock, seen } = await subject();
    const exp = START / 1000 + 30;
    const token = tokenFor({ exp });
    await cache.verify(token);
    clock.now = (exp + LEEWAY) * 1000 - 1;
    expect(await verdict(cache, token)).to.be.an('object');
    expect(seen).to.have.length(1);
    clock.now = (exp + LEEWAY) * 1000;
    expect(await verdict(cache, token)).to.equal('expired');
    expect(seen).to.have.length(2);
  });

  it('never remembers a refusal: each one reaches the verifier with its own reason', async () => {
    const { cache, seen } = await subject();
    const refused = tokenFor({ token_type: 'refresh' });
    expect(await verdict(cache, refused)).to.equal('wrong_type');
    expect(await verdict(cache, refused)).to.equal('wrong_type');
    expect(seen).to.have.length(2);
    expect(cache.size).to.equal(0);
  });

  it('re-verifies a remembered token after maxAgeMs even when it expires later', async () => {
    const { cache, clock, seen } = await subject({ maxAgeMs: 60_000 });
    const token = tokenFor();
    await cache.verify(token);
    clock.now = START + 59_999;
    await cache.verify(token);
    expect(seen).to.have.length(1);
    clock.now = START + 60_000;
    await cache.verify(token);
    expect(seen).to.have.length(2);
  });

  it('holds at most maxEntries tokens, letting the oldest go first', async () => {
    const { cache, seen } = await subject({ maxEntries: 2 });
    const [a, b, c] = [tokenFor({ jti: 'a' }), tokenFor({ jti: 'b' }), tokenFor({ jti: 'c' })] as const;
    for (const token of [a, b, c]) await cache.verify(token);
    expect(cache.size).to.equal(2);
    await cache.verify(c);
    await cache.verify(b);
    expect(seen).to.have.length(3);
    await cache.verify(a);
    expect(seen).to.have.length(4);
  });
});
