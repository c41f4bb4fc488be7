/**
 * The two Django + service pairs of the differential suite, each side configured exactly like the
 * other: HS256 with JWT_LEEWAY=10, and RS256 with AUDIENCE and ISSUER.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PairContext } from './differential-corpus.js';
import { DjangoServer } from './django-server.js';
import { accessClaims, type Claims, hmacSigner, rsaSigner } from './jwt-craft.js';
import { writeRsaKeyPair } from './keys.js';
import { settleAll } from './settle-all.js';
import { startTestService, type TestService } from './test-service.js';

export const LEEWAY_SECONDS = 10;
const AUDIENCE = 'opportunities-api';
const ISSUER = 'https://accounts.example.test';

export interface Pair {
  readonly django: DjangoServer;
  readonly service: TestService;
  readonly context: PairContext;
}

export interface DifferentialPairs {
  readonly hs: Pair;
  readonly rs: Pair;
  stop(): Promise<void>;
}

export async function startDifferentialPairs(): Promise<DifferentialPairs> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    await Promise.allSettled(stops.splice(0).map((fn) => fn()));
  };
  try {
    const tempDir = await mkdtemp(join(tmpdir(), 'differential-keys-'));
    stops.push(() => rm(tempDir, { recursive: true, force: true }));
    const [keys, otherKeys] = await settleAll([writeRsaKeyPair(tempDir, 'django'), writeRsaKeyPair(tempDir, 'other')]);
    const secret = randomBytes(30).toString('base64url');

    const track = async <T extends { stop(): Promise<void> }>(starting: Promise<T>): Promise<T> => {
      const started = await starting;
      stops.push(() => started.stop());
      return started;
    };
    const [hsDjango, rsDjango, hsService, rsService] = await settleAll([
      track(DjangoServer.start({ secret, leeway: LEEWAY_SECONDS })),
      track(DjangoServer.start({ algorithm: 'RS256', ...keys, audience: AUDIENCE, issuer: ISSUER })),
      track(startTestService({ JWT_SECRET: secret, JWT_LEEWAY: String(LEEWAY_SECONDS) })),
      track(
        startTestService({
          JWT_ALGORITHM: 'RS256',
          JWT_PUBLIC_KEY: keys.publicKeyPem,
          JWT_AUDIENCE: AUDIENCE,
          JWT_ISSUER: ISSUER,
        }),
      ),
    ]);

    const keyPair = { publicKeyPem: keys.publicKeyPem, privateKeyPem: keys.privateKeyPem };
    const [hsContext, rsContext] = await settleAll([
      contextFor(hsDjango, {
        alg: 'HS256',
        sign: hmacSigner('HS256', secret),
        otherSign: hmacSigner('HS256', randomBytes(30).toString('base64url')),
        secret,
        ...keyPair,
        claims: (userId, overrides) => accessClaims(userId, overrides),
      }),
      contextFor(rsDjango, {
        alg: 'RS256',
        sign: rsaSigner('RS256', keys.privateKeyPem),
        otherSign: rsaSigner('RS256', otherKeys.privateKeyPem),
        secret: undefined,
        ...keyPair,
        claims: (userId, overrides) => accessClaims(userId, { aud: AUDIENCE, iss: ISSUER, ...overrides }),
      }),
    ]);
    return {
      hs: { django: hsDjango, service: hsService, context: hsContext },
      rs: { django: rsDjango, service: rsService, context: rsContext },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

type ContextParts = Omit<PairContext, 'userId' | 'real' | 'claims'> & {
  claims(userId: string, overrides: Claims): Claims;
};

/** Creates the pair's user at Django and collects real tokens: login access, refreshed access, refresh. */
async function contextFor(django: DjangoServer, parts: ContextParts): Promise<PairContext> {
  const email = `differential-${parts.alg.toLowerCase()}@example.com`;
  const { id: userId } = await django.createUser(email, 'differential-password');
  const { access, refresh } = await django.login(email, 'differential-password');
  const { access: refreshed } = await django.refresh(refresh);
  return {
    ...parts,
    userId,
    real: { access, refreshed, refresh },
    claims: (overrides = {}) => parts.claims(userId, overrides),
  };
}
