/**
 * Smoke check of the Django harness (not a mocha test). Run from the repository root:
 *   node_modules/.bin/tsx tests/interop/support/django-server.smoke.ts
 * Starts HS256 and RS256 Django instances, logs in, refreshes, asks Django's profile
 * endpoint about good and bad tokens, and prints decoded tokens.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { DjangoServer, djangoAvailable } from './django-server.js';

function decode(token: string): {
  header: unknown;
  payload: Record<string, unknown>;
} {
  const [header, payload] = token
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown);
  assert.ok(typeof payload === 'object' && payload !== null);
  return { header, payload: payload as Record<string, unknown> };
}

function show(label: string, token: string): Record<string, unknown> {
  const { header, payload } = decode(token);
  console.log(`${label}\n  header:  ${JSON.stringify(header)}\n  payload: ${JSON.stringify(payload)}`);
  return payload;
}

async function hs256(): Promise<void> {
  const secret = randomBytes(30).toString('base64url'); // 40 characters
  assert.equal(secret.length, 40);
  const django = await DjangoServer.start({ secret });
  try {
    console.log(`HS256 Django at ${django.baseUrl}, timings ${JSON.stringify(django.timings)}`);
    const alice = await django.createUser('alice@example.com', 'alice-password', 'admin');
    const bob = await django.createUser('bob@example.com', 'bob-password');
    const tokens = await django.login('alice@example.com', 'alice-password');
    const access = show('HS256 access token (login)', tokens.access);
    assert.equal(access.user_id, alice.id);
    assert.equal(access.role, 'admin');

    await sleep(1_100); // so a fresh iat would differ from the login's
    const refreshed = await django.refresh(tokens.refresh);
    const again = show('HS256 access token (refresh)', refreshed.access);
    assert.equal(again.iat, access.iat, "5.2.2 copies the refresh token's iat");
    assert.notEqual(again.jti, access.jti);
    console.log(`  refreshed exp - iat = ${Number(again.exp) - Number(again.iat)} s (lifetime 300 s)`);

    const ok = await django.profile(`Bearer ${tokens.access}`);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, {
      id: alice.id,
      email: 'alice@example.com',
      role: 'admin',
    });
    assert.equal((await django.profile(`Bearer ${refreshed.access}`)).status, 200);

    const wrongType = await django.profile(`Bearer ${tokens.refresh}`);
    console.log('refresh token as access:', JSON.stringify(wrongType));
    assert.equal(wrongType.status, 401);
    assert.equal(wrongType.wwwAuthenticate, 'Bearer realm="api"');
    assert.match(JSON.stringify(wrongType.body), /Token has wrong type/);

    const garbage = await django.profile('Bearer not.a.jwt');
    console.log('garbage token:', JSON.stringify(garbage));
    assert.equal(garbage.status, 401);

    const none = await django.profile(undefined);
    assert.equal(none.status, 401);
    assert.deepEqual(none.body, {
      detail: 'Authentication credentials were not provided.',
    });

    const bobTokens = await django.login('bob@example.com', 'bob-password');
    assert.equal(decode(bobTokens.access).payload.role, 'user');
    assert.equal(decode(bobTokens.access).payload.user_id, bob.id);
  } finally {
    await django.stop();
  }
}

async function rs256(): Promise<void> {
  const keyDir = await mkdtemp(join(tmpdir(), 'django-interop-keys-'));
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const privateKeyPath = join(keyDir, 'private.pem');
  const publicKeyPath = join(keyDir, 'public.pem');
  await writeFile(privateKeyPath, privateKey, { mode: 0o600 });
  await writeFile(publicKeyPath, publicKey);
  const django = await DjangoServer.start({
    algorithm: 'RS256',
    privateKeyPath,
    publicKeyPath,
  });
  try {
    console.log(`RS256 Django at ${django.baseUrl}, timings ${JSON.stringify(django.timings)}`);
    const carol = await django.createUser('carol@example.com', 'carol-password');
    const tokens = await django.login('carol@example.com', 'carol-password');
    show('RS256 access token (login)', tokens.access);
    assert.deepEqual(decode(tokens.access).header, {
      alg: 'RS256',
      typ: 'JWT',
    });
    const ok = await django.profile(`Bearer ${tokens.access}`);
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body, {
      id: carol.id,
      email: 'carol@example.com',
      role: 'user',
    });
  } finally {
    await django.stop();
    await rm(keyDir, { recursive: true, force: true });
  }
}

if (!(await djangoAvailable())) {
  console.error('Django + simplejwt not installed: run tests/interop/install-django.sh');
  process.exit(1);
}
await hs256();
await rs256();
console.log('django-server smoke: OK');
