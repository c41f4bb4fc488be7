import { MikroORM } from '@mikro-orm/postgresql';
import { mikroOrmOptions } from '../../../../src/adapters/postgres/schema/mikro-orm-options.js';
import { PostgresOpportunityRepository } from '../../../../src/adapters/postgres/opportunities/postgres-opportunity-repository.js';
import { expect } from 'chai';
import pg from 'pg';
import {
  advisoryLockId,
  PostgresIdempotencyStore,
} from '../../../../src/adapters/postgres/idempotency/postgres-idempotency-store.js';
import { PurgeExpiredIdempotencyKeys } from '../../../../src/application/idempotency/purge-expired-idempotency-keys.use-case.js';
import { testDatabaseUrl } from '../../../support/test-database.js';
import { idempotencyStoreContract } from '../../idempotency-store.contract.js';

let orm: MikroORM | undefined;

idempotencyStoreContract('PostgreSQL', () => ({
  fresh: async () => {
    orm ??= await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    await orm.em.getConnection().execute('truncate opportunity, idempotency_key');
    return { store: new PostgresIdempotencyStore(orm), opportunities: new PostgresOpportunityRepository(orm) };
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

describe('PostgreSQL idempotency store: purging many expired keys', () => {
  let purgeOrm: MikroORM;
  before(async () => {
    purgeOrm = await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
  });
  after(async () => purgeOrm.close());

  it('deletes 2,500 expired keys in batches of 1,000, each one statement, leaving live keys', async () => {
    const connection = purgeOrm.em.getConnection();
    await connection.execute('truncate idempotency_key');
    await connection.execute(`insert into idempotency_key
      select 'purge-user', 'key-' || n, repeat('f', 64), 201, '{}', '{}', now() - interval '2 days',
        case when n <= 2500 then now() - interval '1 hour' else now() + interval '1 hour' end
      from generate_series(1, 2600) n`);
    const store = new PostgresIdempotencyStore(purgeOrm);
    const batches: number[] = [];
    const counting = {
      find: store.find.bind(store),
      commit: store.commit.bind(store),
      purgeExpired: async (now: Date, limit: number) => {
        const deleted = await store.purgeExpired(now, limit);
        batches.push(deleted);
        return deleted;
      },
    };
    const purge = new PurgeExpiredIdempotencyKeys(counting, { now: () => new Date() }, 1000);
    expect(await purge.execute()).to.equal(2500);
    expect(batches).to.deep.equal([1000, 1000, 500]);
    const left = await connection.execute<{ count: string }[]>('select count(*) from idempotency_key');
    expect(Number(left[0]?.count)).to.equal(100);
  });
});
