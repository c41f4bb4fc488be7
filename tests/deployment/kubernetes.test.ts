import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { stringify } from 'yaml';
import { skipLoudly } from '../support/loud-skip.js';
import { aDraft } from '../support/builders.js';
import { signSimplejwtAccessToken } from '../support/simplejwt-token.js';
import { freePort } from '../support/test-database.js';
import { waitUntil } from '../support/wait.js';
import {
  type Deployment,
  type Job,
  type KeyValues,
  type KubeObject,
  manifest,
  type PodSpec,
  rename,
} from './support/kubernetes.js';
import { buildServiceImage, ensureStandIns, podman, podmanMissing, run, STAND_INS } from './support/podman.js';

const SECRET = randomBytes(32).toString('base64url');
const PASSWORD = randomBytes(12).toString('hex');

/**
 * deploy/kubernetes played by `podman kube play` (Pods and Deployments; a Job is played as its pod
 * template). PostgreSQL is a container of the postgres stand-in on podman's network; the Secret is
 * a podman secret holding the Kubernetes Secret, which is how podman resolves secretKeyRef.
 */
describe('the Kubernetes manifests (podman kube play)', function () {
  this.timeout(120_000);
  const id = randomBytes(4).toString('hex');
  const names = { secret: `opportunities-secrets-${id}`, configMap: `opportunities-config-${id}` };
  const database = `opportunities-kube-db-${id}`;
  let dir = '';
  let image = '';
  let deployment: Deployment;
  let configMap: KeyValues;

  const play = async (object: KubeObject, extra: string[] = []) => {
    const file = path.join(dir, `${object.metadata.name}.yaml`);
    await writeFile(file, stringify(object));
    const output = await podman(['kube', 'play', ...extra, file]);
    return [...output.matchAll(/^Pod:\n([0-9a-f]{64})$/gm)].map((match) => match[1] as string);
  };

  before(async function () {
    this.timeout(1_200_000);
    const missing = await podmanMissing();
    if (missing) return skipLoudly(this, missing);
    dir = await mkdtemp(path.join(tmpdir(), 'opportunities-kube-'));
    await ensureStandIns('postgres');
    image = await buildServiceImage();
    deployment = await manifest<Deployment>('deployment.yaml');
    configMap = await manifest<KeyValues>('configmap.yaml');

    await podman([
      'run',
      '--detach',
      '--name',
      database,
      '-e',
      `POSTGRES_PASSWORD=${PASSWORD}`,
      '-e',
      'POSTGRES_USER=opportunities',
      '-e',
      'POSTGRES_DB=opportunities',
      STAND_INS.postgres,
    ]);
    await waitUntil(async () => (await run('podman', ['exec', database, 'pg_isready', '-h', '127.0.0.1'])).code === 0, {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: 'the PostgreSQL container to accept connections',
    });
    const address = (await podman(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', database])).trim();
    const secret: KeyValues = {
      ...(await manifest<KeyValues>('secret.example.yaml')),
      stringData: undefined,
      data: {
        JWT_SECRET: Buffer.from(SECRET).toString('base64'),
        DATABASE_URL: Buffer.from(`postgres://opportunities:${PASSWORD}@${address}:5432/opportunities`).toString(
          'base64',
        ),
      },
    };
    delete secret.stringData;
    // podman 4.3 resolves secretKeyRef from a podman secret holding the Secret's `data` as JSON.
    const secretFile = path.join(dir, 'secret.json');
    await writeFile(secretFile, JSON.stringify(secret.data));
    await podman(['secret', 'create', names.secret, secretFile]);
    await writeFile(path.join(dir, 'configmap.yaml'), stringify({ ...configMap, metadata: { name: names.configMap } }));
  });

  after(async function () {
    this.timeout(60_000);
    const pods = (await run('podman', ['pod', 'ls', '--quiet', '--filter', `name=${id}`])).stdout.split('\n');
    const created = pods.filter((pod) => pod.length > 0);
    if (created.length > 0) await run('podman', ['pod', 'rm', '--force', '--time', '0', ...created]);
    await run('podman', ['rm', '--force', '--time', '0', database]);
    await run('podman', ['secret', 'rm', names.secret]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('keeps terminationGracePeriodSeconds above SHUTDOWN_DRAIN_MS + SHUTDOWN_TIMEOUT_MS, and the probes on /health and /health/live', () => {
    const drainMs = Number(configMap.data?.SHUTDOWN_DRAIN_MS);
    const timeoutMs = Number(configMap.data?.SHUTDOWN_TIMEOUT_MS);
    const grace = deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30;
    expect(drainMs).to.be.greaterThan(0);
    expect(grace * 1000).to.be.greaterThan(drainMs + timeoutMs);
    // Readiness must notice the 503 well within the drain: one failed check within a period.
    const [container] = deployment.spec.template.spec.containers;
    const readiness = container?.readinessProbe;
    expect(readiness?.httpGet.path).to.equal('/health');
    expect((readiness?.periodSeconds ?? 10) * (readiness?.failureThreshold ?? 3) * 1000).to.be.below(drainMs);
    expect(container?.livenessProbe?.httpGet.path).to.equal('/health/live');
    expect(deployment.spec.replicas).to.equal(2);
    expect(configMap.data).not.to.have.any.keys('JWT_SECRET', 'DATABASE_URL');
  });

  it('the migration Job migrates the database with the Secret', async function () {
    this.timeout(120_000);
    const job = await manifest<Job>('migration-job.yaml');
    const spec = rename(job.spec.template.spec, { ...names, image });
    const [pod] = await play({ apiVersion: 'v1', kind: 'Pod', metadata: { name: `migrate-${id}` }, spec });
    const container = `migrate-${id}-${spec.containers[0]?.name}`;
    await waitUntil(
      async () => (await podman(['inspect', '--format', '{{.State.Status}}', container])).trim() === 'exited',
      {
        timeoutMs: 60_000,
        intervalMs: 250,
        what: `the migration pod ${pod} to finish`,
      },
    );
    const logs = await run('podman', ['logs', container]);
    expect((await podman(['inspect', '--format', '{{.State.ExitCode}}', container])).trim(), logs.stderr).to.equal('0');
    expect(logs.stdout).to.match(/^Applied: /);
  });

  it('the Deployment template runs locked down once per replica, its probes answer, and it accepts tokens signed with the Secret', async function () {
    this.timeout(180_000);
    // podman 4.3 publishes every containerPort on the host, so the replicas of one Deployment
    // would collide on one machine: the template is played once per replica as a Pod whose
    // ports get host ports of their own (what a cluster gives each pod: an address of its own).
    const spec: PodSpec = rename(deployment.spec.template.spec, { ...names, image });
    const created: string[] = [];
    for (let replica = 0; replica < deployment.spec.replicas; replica++) {
      const ports = await Promise.all(
        (spec.containers[0]?.ports ?? []).map(async (entry) => ({ ...entry, hostPort: await freePort() })),
      );
      const containers = spec.containers.map((container, index) => (index === 0 ? { ...container, ports } : container));
      const pod: KubeObject = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { ...deployment.spec.template.metadata, name: `opportunities-${id}-${replica}` },
        spec: { ...spec, containers },
      };
      created.push(...(await play(pod, ['--configmap', path.join(dir, 'configmap.yaml')])));
    }
    expect(created).to.have.length(2);
    const port = spec.containers[0]?.ports?.find((entry) => entry.name === 'http')?.containerPort;
    for (const pod of created) {
      const container = (await podman(['pod', 'inspect', '--format', '{{range .Containers}}{{.Name}} {{end}}', pod]))
        .split(' ')
        .find((name) => name.length > 0 && !name.endsWith('-infra')) as string;
      const settings = JSON.parse(await podman(['inspect', container]))[0] as {
        Config: { User: string; Env: string[] };
        HostConfig: {
          ReadonlyRootfs: boolean;
          CapDrop: string[] | null;
          CapAdd: string[] | null;
          SecurityOpt: string[] | null;
        };
        NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
      };
      expect(settings.Config.User).to.equal('1000:1000');
      expect(settings.HostConfig.ReadonlyRootfs).to.equal(true);
      expect(settings.HostConfig.CapAdd ?? []).to.deep.equal([]);
      expect(settings.HostConfig.SecurityOpt ?? []).to.include('no-new-privileges');
      expect(settings.Config.Env).to.include('MIGRATE_ON_START=false');
      const address = Object.values(settings.NetworkSettings.Networks)[0]?.IPAddress;
      const base = `http://${address}:${port}`;
      await waitUntil(async () => (await fetch(`${base}/health`)).status === 200, {
        timeoutMs: 20_000,
        intervalMs: 100,
        what: `${base}/health (readiness) to answer 200`,
      });
      expect((await fetch(`${base}/health/live`)).status).to.equal(200);
      const token = await signSimplejwtAccessToken(SECRET, { userId: `kube-${id}` });
      const response = await fetch(`${base}/api/v1/opportunities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(aDraft()),
      });
      expect(response.status, await response.clone().text()).to.equal(201);
      const wrongKey = await signSimplejwtAccessToken(randomBytes(32).toString('hex'), { userId: `kube-${id}` });
      const refused = await fetch(`${base}/api/v1/opportunities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${wrongKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(aDraft()),
      });
      expect(refused.status).to.equal(401);
    }
  });
});
