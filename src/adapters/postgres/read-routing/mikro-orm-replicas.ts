import type { MikroORM } from '@mikro-orm/postgresql';
import type { Pool } from 'pg';
import { type Replica, ReplicaSet, type ReplicaSetOptions } from './replica-set.js';

interface ReplicaConnection {
  readonly options?: { readonly name?: string };
  getNativeClient(): Promise<Pool>;
}

/**
 * The standbys MikroORM connected from its `replicas` option, behind a health-checked ReplicaSet.
 * MikroORM keeps them on its driver without a public accessor (it only offers a random pick).
 */
export function replicaSetOf(orm: MikroORM, options: ReplicaSetOptions): ReplicaSet {
  const { replicas } = orm.em.getDriver() as unknown as { replicas?: ReplicaConnection[] };
  if (!Array.isArray(replicas)) throw new Error('MikroORM no longer exposes its replica connections');
  const members: Replica[] = replicas.map((connection, index) => {
    let pool: Pool | undefined;
    return {
      name: `replica-${index + 1}`,
      pool: () => pool ?? connection.getNativeClient().then((client) => (pool = client)),
    };
  });
  return new ReplicaSet(() => orm.em.getConnection('write').getNativeClient(), members, options);
}
