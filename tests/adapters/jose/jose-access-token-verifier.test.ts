import { generateKeyPairSync } from 'node:crypto';
import { expect } from 'chai';
import {
  JoseAccessTokenVerifier,
  type JoseVerifierSettings,
} from '../../../src/adapters/jose/jose-access-token-verifier.js';
import { loadVerificationKeys } from '../../../src/adapters/jose/verification-keys.js';
import { TokenRejectedError } from '../../../src/application/ports/access-token-verifier.port.js';
import { rawJwt, simplejwtPayload } from '../../support/raw-jwt.js';
import { rejection } from '../../support/rejection.js';

const SECRET = 'a-shared-secret-of-more-than-thirty-two-characters';
const HS256 = { alg: 'HS256', typ: 'JWT' };
const now = () => Math.floor(Date.now() / 1000);

async function verifier(overrides: Partial<JoseVerifierSettings> & { secrets?: string[] } = {}) {
  const { secrets = [SECRET], ...rest } = overrides;
  return new JoseAccessTokenVerifier({
    algorithm: 'HS256',
    keys: await loadVerificationKeys({ algorithm: 'HS256', secret: secrets[0], previousSecret: secrets[1] }),
    leewaySeconds: 0,
    claims: { userId: 'user_id', tokenType: 'token_type', tokenId: 'jti' },
    maxTokenBytes: 8192,
    ...rest,
  });
}

async function reasonFor(subject: JoseAccessTokenVerifier, token: string): Promise<string> {
  try {
    await subject.verify(token);
  } catch (error) {
    expect(error).to.be.instanceOf(TokenRejectedError);
    return (error as TokenRejectedError).reason;
  }
  return 'accepted';
}

describe('JoseAccessTokenVerifier', () => {
  it('accepts a simplejwt access token and reads user, role and email', async () => {
    const verified = await (await verifier()).verify(rawJwt(HS256, simplejwtPayload({ role: 'admin' }), SECRET));
    expect(verified).to.deep.include({
      userId: '5b6f2f3e-8a0c-4c1e-9f53-2f1f7c0e9a10',
      role: 'admin',
      email: 'user@example.com',
      tokenId: '0123456789abcdef0123456789abcdef',
    });
  });

  it('normalises integer user ids and refuses every other shape', async () => {
    const subject = await verifier();
    expect((await subject.verify(rawJwt(HS256, simplejwtPayload({ user_id: 42 }), SECRET))).userId).to.equal('42');
    expect((await subject.verify(rawJwt(HS256, simplejwtPayload({ user_id: '42' }), SECRET))).userId).to.equal('42');
    for (const userId of [{}, [], '', 'x'.repeat(256), 1.5, true, null, 2 ** 60]) {
      const token = rawJwt(HS256, simplejwtPayload({ user_id: userId }), SECRET);
      expect(await reasonFor(subject, token), JSON.stringify(userId)).to.equal('invalid_claim');
    }
  });

  it('requires exp, jti, token_type=access and user_id, in simplejwt order', async () => {
    const subject = await verifier();
    const cases: [Record<string, unknown>, string][] = [
      [{ exp: undefined }, 'missing_exp'],
      [{ jti: undefined }, 'missing_jti'],
      [{ token_type: undefined }, 'missing_type'],
      [{ token_type: 'refresh' }, 'wrong_type'],
      [{ token_type: 'sliding' }, 'wrong_type'],
      [{ user_id: undefined }, 'missing_user_id'],
      [{ exp: undefined, jti: undefined }, 'missing_exp'],
      [{ jti: undefined, token_type: 'refresh' }, 'missing_jti'],
    ];
    for (const [overrides, reason] of cases) {
      expect(await reasonFor(subject, rawJwt(HS256, simplejwtPayload(overrides), SECRET)), reason).to.equal(reason);
    }
  });

  it('applies exp, nbf and iat against the clock with the leeway, and sets no maximum age', async () => {
    const strict = await verifier();
    const lenient = await verifier({ leewaySeconds: 30 });
    const expired = rawJwt(HS256, simplejwtPayload({ exp: now() - 10 }), SECRET);
    expect(await reasonFor(strict, expired)).to.equal('expired');
    expect(await reasonFor(lenient, expired)).to.equal('accepted');
    const futureIat = rawJwt(HS256, simplejwtPayload({ iat: now() + 10 }), SECRET);
    expect(await reasonFor(strict, futureIat)).to.equal('issued_in_future');
    expect(await reasonFor(lenient, futureIat)).to.equal('accepted');
    const futureNbf = rawJwt(HS256, simplejwtPayload({ nbf: now() + 10 }), SECRET);
    expect(await reasonFor(strict, futureNbf)).to.equal('not_yet_valid');
    expect(await reasonFor(lenient, futureNbf)).to.equal('accepted');
    // A refreshed access token from simplejwt 5.2.2 keeps the login iat, up to a day old.
    const refreshed = rawJwt(HS256, simplejwtPayload({ iat: now() - 86_000 }), SECRET);
    expect(await reasonFor(strict, refreshed)).to.equal('accepted');
    const noIat = rawJwt(HS256, simplejwtPayload({ iat: undefined }), SECRET);
    expect(await reasonFor(strict, noIat)).to.equal('accepted');
  });

  it('accepts only the configured algorithm and refuses alg none', async () => {
    const subject = await verifier();
    expect(
      await reasonFor(subject, rawJwt({ alg: 'HS512', typ: 'JWT' }, simplejwtPayload(), SECRET, 'sha512')),
    ).to.equal('unsupported_algorithm');
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const reason = await reasonFor(subject, rawJwt({ alg, typ: 'JWT' }, simplejwtPayload(), null));
      expect(reason, alg).to.be.oneOf(['unsupported_algorithm', 'malformed']);
    }
  });

  it('refuses an RS256 public key used as an HMAC secret (key confusion)', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const subject = new JoseAccessTokenVerifier({
      algorithm: 'RS256',
      keys: await loadVerificationKeys({ algorithm: 'RS256', publicKey: pem }),
      leewaySeconds: 0,
      claims: { userId: 'user_id', tokenType: 'token_type', tokenId: 'jti' },
      maxTokenBytes: 8192,
    });
    expect(await reasonFor(subject, rawJwt(HS256, simplejwtPayload(), pem))).to.equal('unsupported_algorithm');
  });

  it('refuses tampered, foreign, malformed, oversized and crit tokens', async () => {
    const subject = await verifier();
    const [header, , signature] = rawJwt(HS256, simplejwtPayload(), SECRET).split('.');
    const forged = Buffer.from(JSON.stringify(simplejwtPayload({ user_id: 'someone-else' }))).toString('base64url');
    expect(await reasonFor(subject, `${header}.${forged}.${signature}`)).to.equal('bad_signature');
    expect(await reasonFor(subject, rawJwt(HS256, simplejwtPayload(), `${SECRET}-other`))).to.equal('bad_signature');
    for (const junk of ['abc', 'a.b.c', '...', `${rawJwt(HS256, simplejwtPayload(), SECRET)}.x`]) {
      expect(await reasonFor(subject, junk), junk).to.equal('malformed');
    }
    // A payload that is not base64url is refused before any decoding.
    expect(await reasonFor(subject, `${header}.!!!.${signature}`)).to.equal('malformed');
    const big = rawJwt(HS256, simplejwtPayload({ padding: 'x'.repeat(9000) }), SECRET);
    expect(await reasonFor(subject, big)).to.equal('too_large');
    const crit = rawJwt({ ...HS256, crit: ['exp'] }, simplejwtPayload(), SECRET);
    expect(await reasonFor(subject, crit)).to.be.oneOf(['unsupported_header', 'malformed']);
  });

  it('accepts only the canonical base64url spelling of each segment (no padding, no stray trailing bits)', async () => {
    const subject = await verifier();
    const token = rawJwt(HS256, simplejwtPayload(), SECRET);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    expect(await reasonFor(subject, token)).to.equal('accepted');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    // 32 signature bytes: 43 characters (258 bits), so the last one has 2 unused bits.
    const last = alphabet.indexOf(signature.at(-1) as string);
    const respelled = `${signature.slice(0, -1)}${alphabet[last | 0b11] as string}`;
    expect(Buffer.from(respelled, 'base64url')).to.deep.equal(Buffer.from(signature, 'base64url'));
    expect(await reasonFor(subject, `${header}.${payload}.${respelled}`)).to.equal('malformed');
    expect(await reasonFor(subject, `${header}.${payload}.${signature}=`)).to.equal('malformed');
  });

  it('refuses an exp beyond what simplejwt can represent, and a b64 header', async () => {
    const subject = await verifier();
    expect(await reasonFor(subject, rawJwt(HS256, simplejwtPayload({ exp: 253_402_300_799 }), SECRET))).to.equal(
      'accepted',
    );
    expect(await reasonFor(subject, rawJwt(HS256, simplejwtPayload({ exp: 253_402_300_800 }), SECRET))).to.equal(
      'invalid_claim',
    );
    expect(
      await reasonFor(subject, rawJwt(HS256, `{"token_type":"access","exp":1e400,"jti":"j","user_id":"u"}`, SECRET)),
    ).to.equal('invalid_claim');
    expect(await reasonFor(subject, rawJwt({ ...HS256, b64: false }, simplejwtPayload(), SECRET))).to.equal(
      'unsupported_header',
    );
  });

  it('checks audience and issuer only when configured', async () => {
    const plain = await verifier();
    const withBoth = await verifier({ audience: 'opportunities', issuer: 'https://auth.example.com' });
    const tagged = rawJwt(HS256, simplejwtPayload({ aud: 'opportunities', iss: 'https://auth.example.com' }), SECRET);
    expect(await reasonFor(plain, tagged)).to.equal('accepted');
    expect(await reasonFor(withBoth, tagged)).to.equal('accepted');
    expect(
      await reasonFor(withBoth, rawJwt(HS256, simplejwtPayload({ iss: 'https://auth.example.com' }), SECRET)),
    ).to.equal('bad_audience');
    const listAud = rawJwt(
      HS256,
      simplejwtPayload({ aud: ['other', 'opportunities'], iss: 'https://auth.example.com' }),
      SECRET,
    );
    expect(await reasonFor(withBoth, listAud)).to.equal('accepted');
    const wrongIss = rawJwt(HS256, simplejwtPayload({ aud: 'opportunities', iss: 'https://evil.example.com' }), SECRET);
    expect(await reasonFor(withBoth, wrongIss)).to.equal('bad_issuer');
  });

  it('accepts the previous secret during a rotation, and only then', async () => {
    const old = 'the-old-secret-that-is-being-rotated-out-now';
    const oldToken = rawJwt(HS256, simplejwtPayload(), old);
    expect(await reasonFor(await verifier({ secrets: [SECRET, old] }), oldToken)).to.equal('accepted');
    expect(await reasonFor(await verifier({ secrets: [SECRET] }), oldToken)).to.equal('bad_signature');
  });

  it('reads configurable claim names, and keeps signed claims for the refusal log', async () => {
    const subject = await verifier({ claims: { userId: 'uid', tokenType: 'typ', tokenId: 'id' } });
    const payload = { typ: 'access', exp: now() + 60, id: 'abc', uid: 'u-9' };
    expect((await subject.verify(rawJwt(HS256, payload, SECRET))).userId).to.equal('u-9');
    const expired = await rejection(
      subject.verify(rawJwt(HS256, { ...payload, exp: now() - 60 }, SECRET)),
      'the expired token',
    );
    expect(expired).to.be.instanceOf(TokenRejectedError);
    expect((expired as TokenRejectedError).trustedClaims).to.deep.equal({ tokenId: 'abc', userId: 'u-9' });
    const foreign = await rejection(subject.verify(rawJwt(HS256, payload, `${SECRET}-other`)), 'the foreign token');
    expect(foreign).to.be.instanceOf(TokenRejectedError);
    expect((foreign as TokenRejectedError).trustedClaims).to.deep.equal({});
  });
});
