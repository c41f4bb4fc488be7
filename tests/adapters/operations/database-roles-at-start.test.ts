import { expect } from 'chai';
import { NotAPrimaryError } from '../../../src/adapters/postgres/read-routing/database-roles.js';
import { skipLoudly } from '../../support/loud-skip.js';
import { spawnService } from '../../support/service-process.js';
import { replicaToolsMissing, StreamingReplicaCluster } from '../../support/streaming-replica.js';
import { freePort } from '../../support/test-database.js';
import { startTestService } from '../../support/test-service.js';
import { rejection } from '../../support/rejection.js';

const DATABASE = 'roles_at_start';

/** Bad configuration caught at start: a standby as DATABASE_URL, a primary among the replicas. */
describe('Operations: what DATABASE_URL and DATABASE_REPLICA_URLS reach is checked at start', function () {
  this.timeout(90_000);
  let cluster: StreamingReplicaCluster | undefined;

  before(async function () {
    const missing = replicaToolsMissing();
    if (missing) return skipLoudly(this, missing);
    cluster = await StreamingReplicaCluster.start(DATABASE);
    // The schema, so a service on the primary can start without migrating.
    const seeded = await startTestService({ DATABASE_URL: cluster.url('primary', DATABASE), MIGRATE_ON_START: 'true' });
    await seeded.stop();
  });
  after(async () => {
    await cluster?.destroy();
  });
  const servers = () => cluster as StreamingReplicaCluster;

  it('refuses to start on a standby with one clear line and a non-zero exit', async () => {
    const child = spawnService(await freePort(), servers().url('standby', DATABASE));
    const { code } = await child.exited;
    expect(code).to.equal(1);
    const lines = child.stderr().trim().split('\n');
    expect(lines, child.stderr()).to.have.length(1);
    expect(lines[0]).to.match(
      /^Failed to start: DATABASE_URL points at a read-only standby \(127\.0\.0\.1:\d+\/roles_at_start is in recovery\)/,
    );
  });

  it('refuses a primary whose sessions are read-only', async () => {
    await servers().primaryQuery(`alter database ${DATABASE} set default_transaction_read_only = on`);
    try {
      const error = await rejection(startTestService({ DATABASE_URL: servers().url('primary', DATABASE) }));
      expect(error).to.be.instanceOf(NotAPrimaryError);
      expect((error as Error).message).to.contain('default_transaction_read_only = on');
    } finally {
      await servers().primaryQuery(`alter database ${DATABASE} reset default_transaction_read_only`);
    }
  });

  it('reports a replica URL that reaches a primary, and says nothing of a real standby', async () => {
    const api = await startTestService({
      DATABASE_URL: servers().url('primary', DATABASE),
      DATABASE_REPLICA_URLS: `${servers().url('standby', DATABASE)},${servers().url('primary', DATABASE)}`,
    });
    try {
      const reports = api.logger.lines.filter((line) => /points at a primary, not a standby/.test(line.message ?? ''));
      expect(reports.map((line) => line.fields.replica)).to.deep.equal(['replica-2']);
      expect(reports[0]?.level).to.equal('warn');
      expect(JSON.stringify(reports[0]?.fields)).to.match(/"server":"127\.0\.0\.1:\d+\/roles_at_start"/);
      expect((await api.request('/api/v1/opportunities')).status).to.equal(200);
    } finally {
      await api.stop();
    }
  });
});
