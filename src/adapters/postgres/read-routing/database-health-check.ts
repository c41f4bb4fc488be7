import type { MikroORM } from '@mikro-orm/postgresql';
import type { HealthCheck, ReplicaHealth } from '../../../application/ports/health-check.port.js';
import type { ReplicaSet } from './replica-set.js';

/**
 * Asks the primary for `select 1`, giving up after the timeout instead of hanging. Replicas are
 * reported from their background checks: a replica down only means the primary serves its reads.
 */
export class DatabaseHealthCheck implements HealthCheck {
  constructor(
    private readonly orm: MikroORM,
    private readonly replicaSet?: ReplicaSet,
  ) {}

  replicas(): readonly ReplicaHealth[] {
    return this.replicaSet?.statuses() ?? [];
  }

  async isHealthy(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const probe = this.orm.em
      .getConnection()
      .execute('select 1')
      .then(
        () => true,
        () => false,
      );
    try {
      return await Promise.race([probe, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
