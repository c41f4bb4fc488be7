import { MikroORM } from '@mikro-orm/postgresql';
import { mikroOrmOptions } from '../../../src/adapters/mikro-orm/mikro-orm-options.js';
import { MikroOrmOpportunityRepository } from '../../../src/adapters/mikro-orm/mikro-orm-opportunity-repository.js';
import { testDatabaseUrl } from '../../support/test-database.js';
import { opportunityRepositoryContract } from '../opportunity-repository.contract.js';

let orm: MikroORM | undefined;

opportunityRepositoryContract('MikroORM on PostgreSQL', () => ({
  fresh: async () => {
    orm ??= await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    await orm.em.getConnection().execute('truncate opportunity');
    return new MikroOrmOpportunityRepository(orm);
  },
  close: async () => {
    await orm?.close();
    orm = undefined;
  },
}));
