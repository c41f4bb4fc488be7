import type { MikroORM } from '@mikro-orm/postgresql';
import type { HealthCheck } from '../../application/ports/health-check.port.js';

/** Asks PostgreSQL for `select 1`, giving up after the timeout instead of hanging. */
export class MikroOrmHealthCheck implements HealthCheck {
  constructor(private readonly orm: MikroORM) {}

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
