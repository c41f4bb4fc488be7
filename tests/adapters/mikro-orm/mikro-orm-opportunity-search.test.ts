import { MikroORM } from '@mikro-orm/postgresql';
import { mikroOrmOptions } from '../../../src/adapters/mikro-orm/mikro-orm-options.js';
import { MikroOrmOpportunityRepository } from '../../../src/adapters/mikro-orm/mikro-orm-opportunity-repository.js';
import { MikroOrmOpportunitySearch } from '../../../src/adapters/mikro-orm/search/mikro-orm-opportunity-search.js';
import { testDatabaseUrl } from '../../support/test-database.js';
import { opportunitySearchContract } from '../opportunity-search.contract.js';

let orm: MikroORM | undefined;

opportunitySearchContract('MikroORM on PostgreSQL', () => ({
  fresh: async () => {
    orm ??= await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    await orm.em
      .getConnection()
      .execute('truncate opportunity, search_vocabulary, search_vocabulary_variant, search_title_posting');
    return { repository: new MikroOrmOpportunityRepository(orm), search: new MikroOrmOpportunitySearch(orm) };
  },
  close: async () => {
    await orm?.close();
    orm = undefined;
  },
}));
