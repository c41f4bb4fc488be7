/**
 * Everything interop.test.ts talks to, started in parallel (each Django costs ~1.3 s) and stopped
 * together: four Django instances, seven services configured against them, and two JWKS servers.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DjangoServer, type DjangoOptions } from './django-server.js';
import { settleAll } from './settle-all.js';
import { type JwksServer, publicJwk, type RsaKeyFiles, startJwksServer, writeRsaKeyPair } from './keys.js';
import { startTestService, type TestService } from './test-service.js';

export interface DjangoUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
}

export const AUDIENCE = 'opportunities-api';
export const ISSUER = 'https://accounts.example.test';
export const JWKS_KID = 'django-2026';

/** 40 random characters: as long as a production JWT_SECRET should be (at least 32). */
const aSecret = (): string => randomBytes(30).toString('base64url');

export interface InteropFixture {
  readonly secrets: { readonly main: string; readonly old: string; readonly new: string };
  readonly rsaKeys: RsaKeyFiles;
  /** A key pair nobody trusts. */
  readonly otherKeys: RsaKeyFiles;
  readonly jwks: JwksServer;
  /** Publishes the Django key and `otherKeys`, as during a key rotation. */
  readonly jwksRotation: JwksServer;
  readonly django: {
    /** HS256, secret `main`, default lifetimes. */
    readonly main: DjangoServer;
    /** HS256, secret `main`, access tokens live 1 s. */
    readonly expiring: DjangoServer;
    /** HS256, secret `old`: the Django side that has not rotated yet. */
    readonly old: DjangoServer;
    /** RS256 with `rsaKeys`, AUDIENCE and ISSUER. */
    readonly rsa: DjangoServer;
  };
  readonly service: {
    readonly main: TestService; // JWT_SECRET=main
    readonly rotating: TestService; // JWT_SECRET=new, JWT_SECRET_PREVIOUS=old
    readonly rotated: TestService; // JWT_SECRET=new
    readonly rsa: TestService; // RS256, JWT_PUBLIC_KEY, AUDIENCE, ISSUER
    readonly rsaOtherAudience: TestService; // as rsa, but another JWT_AUDIENCE
    readonly jwks: TestService; // RS256, JWT_JWKS_URL, AUDIENCE, ISSUER
    readonly jwksRotation: TestService; // as jwks, with the two-key JWKS
  };
  readonly users: {
    readonly alice: DjangoUser; // main, role user
    readonly bob: DjangoUser; // main, role user
    readonly root: DjangoUser; // main, role admin
    readonly eve: DjangoUser; // expiring
    readonly olga: DjangoUser; // old
    readonly rita: DjangoUser; // rsa
  };
  stop(): Promise<void>;
}

export async function startInteropFixture(): Promise<InteropFixture> {
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    const results = await Promise.allSettled(stops.splice(0).map((stop) => stop()));
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  };
  /** Registers the stop of whatever starts, even when a sibling start fails. */
  const track = async <T extends { stop(): Promise<void> }>(starting: Promise<T>): Promise<T> => {
    const started = await starting;
    stops.push(() => started.stop());
    return started;
  };
  try {
    const tempDir = await mkdtemp(join(tmpdir(), 'interop-keys-'));
    stops.push(() => rm(tempDir, { recursive: true, force: true }));
    const secrets = { main: aSecret(), old: aSecret(), new: aSecret() };
    const [rsaKeys, otherKeys] = await settleAll([
      writeRsaKeyPair(tempDir, 'django'),
      writeRsaKeyPair(tempDir, 'other'),
    ]);
    const djangoJwk = await publicJwk(rsaKeys.publicKeyPem, JWKS_KID);
    const jwks = await track(startJwksServer([djangoJwk]));
    const jwksRotation = await track(startJwksServer([await publicJwk(otherKeys.publicKeyPem, 'next'), djangoJwk]));

    const startDjango = (options: DjangoOptions) => track(DjangoServer.start(options));
    const [main, expiring, old, rsa] = await settleAll([
      startDjango({ secret: secrets.main }),
      startDjango({ secret: secrets.main, accessLifetimeSeconds: 1 }),
      startDjango({ secret: secrets.old }),
      startDjango({ algorithm: 'RS256', ...rsaKeys, audience: AUDIENCE, issuer: ISSUER }),
    ]);

    const rs256 = { JWT_ALGORITHM: 'RS256', JWT_AUDIENCE: AUDIENCE, JWT_ISSUER: ISSUER };
    const [sMain, rotating, rotated, sRsa, rsaOtherAudience, sJwks, sJwksRotation] = await settleAll([
      track(startTestService({ JWT_SECRET: secrets.main })),
      track(startTestService({ JWT_SECRET: secrets.new, JWT_SECRET_PREVIOUS: secrets.old })),
      track(startTestService({ JWT_SECRET: secrets.new })),
      track(startTestService({ ...rs256, JWT_PUBLIC_KEY: rsaKeys.publicKeyPem })),
      track(startTestService({ ...rs256, JWT_PUBLIC_KEY: rsaKeys.publicKeyPath, JWT_AUDIENCE: 'another-api' })),
      track(startTestService({ ...rs256, JWT_JWKS_URL: jwks.url })),
      track(startTestService({ ...rs256, JWT_JWKS_URL: jwksRotation.url })),
    ]);

    const user = async (django: DjangoServer, name: string, role = 'user'): Promise<DjangoUser> => {
      const email = `${name}@example.com`;
      const password = `${name}-password`;
      const { id } = await django.createUser(email, password, role);
      return { id, email, password };
    };
    const [alice, bob, root, eve, olga, rita] = await settleAll([
      user(main, 'alice'),
      user(main, 'bob'),
      user(main, 'root', 'admin'),
      user(expiring, 'eve'),
      user(old, 'olga'),
      user(rsa, 'rita'),
    ]);

    return {
      secrets,
      rsaKeys,
      otherKeys,
      jwks,
      jwksRotation,
      django: { main, expiring, old, rsa },
      service: {
        main: sMain,
        rotating,
        rotated,
        rsa: sRsa,
        rsaOtherAudience,
        jwks: sJwks,
        jwksRotation: sJwksRotation,
      },
      users: { alice, bob, root, eve, olga, rita },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => undefined);
    throw error;
  }
}

/** Logs in at `django` and returns its tokens. */
export const login = (django: DjangoServer, user: DjangoUser) => django.login(user.email, user.password);
