import { MikroORM } from '@mikro-orm/postgresql';
import { mikroOrmOptions } from '../../../../src/adapters/postgres/schema/mikro-orm-options.js';
import { PostgresOpportunityRepository } from '../../../../src/adapters/postgres/opportunities/postgres-opportunity-repository.js';
import { testDatabaseUrl } from '../../../support/test-database.js';
import { opportunityNearbyContract } from '../../opportunity-nearby.contract.js';
import { opportunityRepositoryContract } from '../../opportunity-repository.contract.js';

let orm: MikroORM | undefined;

const fixture = () => ({
  fresh: async () => {
    orm ??= await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    await orm.em.getConnection().execute('truncate opportunity');
    return new PostgresOpportunityRepository(orm);
  },
  close: async () => {
    await orm?.close();
    orm = undefined;
  },
});

opportunityRepositoryContract('PostgreSQL', fixture);
opportunityNearbyContract('PostgreSQL (earthdistance)', fixture);
// A walk of 3 rows: newest-first pages are answered by the walk when the newest rows are near, and
// by the GiST index when they are not (both plans, on the same cases).
opportunityNearbyContract('PostgreSQL, newest-first walk of 3 rows', () => ({
  ...fixture(),
  fresh: async () => {
    orm ??= await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    await orm.em.getConnection().execute('truncate opportunity');
    return new PostgresOpportunityRepository(orm, undefined, undefined, 3);
  },
}));
