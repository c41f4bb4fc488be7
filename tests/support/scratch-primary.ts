import { StreamingReplicaCluster } from './streaming-replica.js';
import { startTestService, type TestService } from './test-service.js';
import { waitUntil } from './wait.js';

const PATH = '/api/v1/opportunities';

/**
 * The service on a scratch PostgreSQL 15 primary of its own (never the shared server), with the
 * handles the failover tests use: a signed-in create, the row count of a title, and a switch that
 * turns the primary read-only (as a demoted or fenced primary is) and back.
 */
export interface ScratchPrimary {
  readonly cluster: StreamingReplicaCluster;
  readonly api: TestService;
  post(title: string, key?: string): Promise<Response>;
  rows(title: string): Promise<number>;
  readOnly(on: boolean): Promise<void>;
  stop(): Promise<void>;
}

export async function startScratchPrimary(
  database: string,
  env: Record<string, string>,
  url: (cluster: StreamingReplicaCluster) => string = (cluster) => cluster.url('primary', database),
): Promise<ScratchPrimary> {
  const cluster = await StreamingReplicaCluster.start(database);
  let api: TestService;
  try {
    api = await startTestService({
      DATABASE_URL: url(cluster),
      MIGRATE_ON_START: 'true',
      RATE_LIMIT_ENABLED: 'false',
      ...env,
    });
  } catch (error) {
    await cluster.destroy();
    throw error;
  }
  const token = await api.tokenFor({ userId: `${database}-user` });
  const description = 'Written while the primary changes.';
  return {
    cluster,
    api,
    post: (title, key) =>
      api.request(PATH, {
        method: 'POST',
        token,
        json: { title, description, category: 'tests' },
        headers: key === undefined ? {} : { 'Idempotency-Key': key },
      }),
    rows: async (title) =>
      (await cluster.primaryQuery(`select count(*)::int as n from opportunity where title = '${title}'`, database))
        .rows[0].n as number,
    readOnly: async (on) => {
      await cluster.primaryQuery(
        on ? 'alter system set default_transaction_read_only = on' : 'alter system reset default_transaction_read_only',
      );
      await cluster.primaryQuery('select pg_reload_conf()');
      const expected = on ? 'on' : 'off';
      await waitUntil(
        async () =>
          (await cluster.primaryQuery('show default_transaction_read_only')).rows[0]?.default_transaction_read_only ===
          expected,
        { what: `default_transaction_read_only to be ${expected}` },
      );
      // The reload reaches pooled sessions before their next statement; give the signal a moment.
      await new Promise((resolve) => setTimeout(resolve, 300));
    },
    stop: async () => {
      await api.stop().catch(() => undefined);
      await cluster.destroy();
    },
  };
}
