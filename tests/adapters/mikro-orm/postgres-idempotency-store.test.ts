import { MikroORM } from '@mikro-orm/postgresql';
import { mikroOrmOptions } from '../../../src/adapters/mikro-orm/mikro-orm-options.js';
import { MikroOrmOpportunityRepository } from '../../../src/adapters/mikro-orm/mikro-orm-opportunity-repository.js';
import pg from 'pg';
import {
  advisoryLockId,
  PostgresIdempotencyStore,
} from '../../../src/adapters/mikro-orm/postgres-idempotency-store.js';
import { testDatabaseUrl } from '../../support/test-database.js';
import { idempotencyStoreContract } from '../idempotency-store.contract.js';

let orm: MikroORM | undefined;

idempotencyStoreContract('PostgreSQL', () => ({
  fresh: async () => {
    orm ??= await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    await orm.em.getConnection().execute('truncate opportunity, idempotency_key');
    return { store: new PostgresIdempotencyStore(orm), opportunities: new MikroOrmOpportunityRepository(orm) };
  },
  // Another instance mid-request: its transaction holds the key's lock (a separate connection).
  holdInFlight: async (key) => {
    const client = new pg.Client({ connectionString: await testDatabaseUrl() });
    await client.connect();
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock($1::bigint)', [advisoryLockId(key)]);
    return async () => {
      await client.query('rollback');
      await client.end();
    };
  },
  close: async () => {
    await orm?.close();
    orm = undefined;
  },
}));
