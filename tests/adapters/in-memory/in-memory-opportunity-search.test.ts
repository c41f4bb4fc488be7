import { InMemoryOpportunityRepository } from '../../../src/adapters/in-memory/in-memory-opportunity-repository.js';
import { InMemoryOpportunitySearch } from '../../../src/adapters/in-memory/in-memory-opportunity-search.js';
import { opportunitySearchContract } from '../opportunity-search.contract.js';

opportunitySearchContract('in-memory', () => ({
  fresh: async () => {
    const repository = new InMemoryOpportunityRepository();
    return { repository, search: new InMemoryOpportunitySearch(repository) };
  },
}));
