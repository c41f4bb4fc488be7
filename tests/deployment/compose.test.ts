import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { skipLoudly } from '../support/loud-skip.js';
import { freePort } from '../support/test-database.js';
import { waitUntil } from '../support/wait.js';
import { buildServiceImage, ensureStandIns, podmanMissing, run, runOk, STAND_INS } from './support/podman.js';
import { httpsJson } from './support/tls-client.js';

const ISSUER_IMAGE = 'localhost/opportunities-django-issuer:test';
const ACCESS_SECONDS = 3;

/**
 * compose.yaml brought up with podman-compose on the stand-in images: the seed's sign-in flow
 * through HAProxy/TLS (login at Django → create → the access token expires → refresh → create),
 * then the typed client's example against the same stack.
 */
describe('the compose stack (compose.yaml)', function () {
  this.timeout(120_000);
  const project = `opportunities-test-${randomBytes(4).toString('hex')}`;
  let tlsDir = '';
  let env: NodeJS.ProcessEnv = {};
  let api = '';
  let django = '';
  let ca = '';
  const user = { email: 'demo@example.com', password: randomBytes(9).toString('hex') };
  const compose = (args: string[], timeoutMs = 300_000) =>
    runOk('podman-compose', ['-p', project, '-f', 'compose.yaml', ...args], { env, timeoutMs });

  before(async function () {
    this.timeout(1_800_000);
    const missing = await podmanMissing();
    if (missing) return skipLoudly(this, missing);
    if ((await run('podman-compose', ['--version']).catch(() => undefined))?.code !== 0) {
      return skipLoudly(this, 'podman-compose is not installed (bash tests/deployment/install-podman.sh)');
    }
    await ensureStandIns('debian', 'postgres', 'redis', 'haproxy');
    const image = await buildServiceImage();
    await runOk(
      'podman',
      [
        'build',
        '--network=host',
        '--build-arg',
        `DEBIAN_IMAGE=${STAND_INS.debian}`,
        '-f',
        'deploy/django/Dockerfile',
        '-t',
        ISSUER_IMAGE,
        '.',
      ],
      { timeoutMs: 900_000 },
    );
    tlsDir = await mkdtemp(path.join(tmpdir(), 'opportunities-compose-tls-'));
    await chmod(tlsDir, 0o755); // HAProxy reads it as its own user
    const [httpsPort, djangoPort] = [await freePort(), await freePort()];
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      OPPORTUNITIES_IMAGE: image,
      DJANGO_IMAGE: ISSUER_IMAGE,
      POSTGRES_IMAGE: STAND_INS.postgres,
      REDIS_IMAGE: STAND_INS.redis,
      HAPROXY_IMAGE: STAND_INS.haproxy,
      HTTPS_PORT: String(httpsPort),
      DJANGO_PORT: String(djangoPort),
      DEV_TLS_DIR: tlsDir,
      JWT_SECRET: randomBytes(32).toString('base64url'),
      ACCESS_TOKEN_LIFETIME_SECONDS: String(ACCESS_SECONDS),
      DEMO_PASSWORD: user.password,
    };
    api = `https://localhost:${httpsPort}`;
    django = `http://127.0.0.1:${djangoPort}`;
    const started = Date.now();
    await compose(['up', '-d']);
    await waitUntil(async () => (await readFile(path.join(tlsDir, 'dev-cert.pem'), 'utf8')).length > 0, {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: 'the development certificate',
    });
    ca = await readFile(path.join(tlsDir, 'dev-cert.pem'), 'utf8');
    await waitUntil(async () => (await httpsJson(`${api}/health`, ca)).status === 200, {
      timeoutMs: 120_000,
      intervalMs: 500,
      what: `${api}/health through HAProxy`,
    });
    await waitUntil(async () => (await fetch(`${django}/api/users/profile/`)).status === 401, {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: 'the Django issuer to answer',
    });
    console.log(`      stack up and answering in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  after(async function () {
    this.timeout(120_000);
    if (env.PATH) {
      const logs = await run('podman-compose', ['-p', project, '-f', 'compose.yaml', 'logs'], { env });
      // Also when the stack never came up (a failed before-all leaves the test without a state).
      if (this.currentTest?.state !== 'passed') console.log(logs.stdout.slice(-5_000));
      await run('podman-compose', ['-p', project, '-f', 'compose.yaml', 'down', '-v', '-t', '2'], {
        env,
        timeoutMs: 120_000,
      });
      // podman-compose 1.0.3 leaves the project's network behind.
      await run('podman', ['network', 'rm', `${project}_default`]);
    }
    if (tlsDir) await rm(tlsDir, { recursive: true, force: true });
  });

  const post = (url: string, body: unknown) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('signs in at Django, creates through HAProxy/TLS, and after the access token expires refreshes and creates again', async function () {
    this.timeout(60_000);
    const login = await post(`${django}/api/auth/login/`, user);
    expect(login.status).to.equal(200);
    const tokens = (await login.json()) as { access: string; refresh: string };
    const profile = await fetch(`${django}/api/users/profile/`, {
      headers: { authorization: `Bearer ${tokens.access}` },
    });
    const me = (await profile.json()) as { id: string; email: string };
    expect(me.email).to.equal(user.email);

    const create = (access: string, title: string) =>
      httpsJson(`${api}/api/v1/opportunities`, ca, {
        method: 'POST',
        headers: { authorization: `Bearer ${access}` },
        body: { title, description: 'Made through the compose stack.', category: 'volunteering' },
      });
    const first = await create(tokens.access, 'Compose stack, first');
    expect(first.status, JSON.stringify(first.body)).to.equal(201);
    expect((first.body as { createdBy: string }).createdBy).to.equal(me.id);

    await new Promise((resolve) => setTimeout(resolve, (ACCESS_SECONDS + 1) * 1000));
    const expired = await create(tokens.access, 'Compose stack, expired');
    expect(expired.status).to.equal(401);
    expect(expired.body).to.include({ code: 'token_not_valid' });

    const refreshed = await post(`${django}/api/auth/refresh/`, { refresh: tokens.refresh });
    expect(refreshed.status).to.equal(200);
    const { access } = (await refreshed.json()) as { access: string };
    const second = await create(access, 'Compose stack, second');
    expect(second.status, JSON.stringify(second.body)).to.equal(201);
    expect((second.body as { createdBy: string }).createdBy).to.equal(me.id);
  });

  it('runs the typed client example (npm run example:mobile-flow) against it', async function () {
    this.timeout(120_000);
    const result = await run('npm', ['run', '--silent', 'example:mobile-flow'], {
      timeoutMs: 110_000,
      env: {
        ...process.env,
        OPPORTUNITIES_URL: api,
        DJANGO_URL: django,
        EXAMPLE_EMAIL: user.email,
        EXAMPLE_PASSWORD: user.password,
        NODE_EXTRA_CA_CERTS: path.join(tlsDir, 'dev-cert.pem'),
      },
    });
    expect(result.code, `${result.stdout}\n${result.stderr}`).to.equal(0);
    expect(result.stdout).to.match(/2\. created\s+\S+ "Beach clean-up"/);
    expect(result.stdout).to.match(/5\. updated\s+200/);
  });
});
