import { InMemoryOpportunityRepository } from '../../../src/adapters/in-memory/in-memory-opportunity-repository.js';
import { opportunityRepositoryContract } from '../opportunity-repository.contract.js';
import { opportunityNearbyContract } from '../opportunity-nearby.contract.js';

opportunityRepositoryContract('in-memory', () => ({
  fresh: async () => new InMemoryOpportunityRepository(),
}));

opportunityNearbyContract('in-memory', () => ({
  fresh: async () => new InMemoryOpportunityRepository(),
}));
