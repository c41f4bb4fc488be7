import { MikroORM } from '@mikro-orm/postgresql';
import { mikroOrmOptions } from '../../../../src/adapters/postgres/schema/mikro-orm-options.js';
import { PostgresOpportunityRepository } from '../../../../src/adapters/postgres/opportunities/postgres-opportunity-repository.js';
import {
  PostgresOpportunitySearch,
  SEARCH_LIMITS,
} from '../../../../src/adapters/postgres/search/postgres-opportunity-search.js';
import { opportunityFacetsContract } from '../../opportunity-facets.contract.js';
import { testDatabaseUrl } from '../../../support/test-database.js';
import { opportunitySearchContract } from '../../opportunity-search.contract.js';

let orm: MikroORM | undefined;

opportunitySearchContract('PostgreSQL', () => ({
  fresh: async () => {
    orm ??= await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    await orm.em
      .getConnection()
      .execute('truncate opportunity, search_vocabulary, search_vocabulary_variant, search_title_posting');
    return { repository: new PostgresOpportunityRepository(orm), search: new PostgresOpportunitySearch(orm) };
  },
  close: async () => {
    await orm?.close();
    orm = undefined;
  },
}));

opportunityFacetsContract('PostgreSQL', () => ({
  fresh: async (bound) => {
    orm ??= await MikroORM.init(mikroOrmOptions({ url: await testDatabaseUrl() }));
    await orm.em
      .getConnection()
      .execute('truncate opportunity, search_vocabulary, search_vocabulary_variant, search_title_posting');
    return {
      repository: new PostgresOpportunityRepository(orm, undefined, bound),
      search: new PostgresOpportunitySearch(orm, { ...SEARCH_LIMITS, facetBound: bound }),
    };
  },
  close: async () => {
    await orm?.close();
    orm = undefined;
  },
}));
