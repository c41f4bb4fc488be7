import { InMemoryOpportunityRepository } from '../../../src/adapters/in-memory/in-memory-opportunity-repository.js';
import { InMemoryOpportunitySearch } from '../../../src/adapters/in-memory/in-memory-opportunity-search.js';
import { opportunitySearchContract } from '../opportunity-search.contract.js';
import { opportunityFacetsContract } from '../opportunity-facets.contract.js';

opportunitySearchContract('in-memory', () => ({
  fresh: async () => {
    const repository = new InMemoryOpportunityRepository();
    return { repository, search: new InMemoryOpportunitySearch(repository) };
  },
}));

opportunityFacetsContract('in-memory', () => ({
  fresh: async (bound) => {
    const repository = new InMemoryOpportunityRepository(bound);
    return { repository, search: new InMemoryOpportunitySearch(repository) };
  },
}));
