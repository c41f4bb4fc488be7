import { InMemoryOpportunityRepository } from '../../src/adapters/in-memory/in-memory-opportunity-repository.js';
import type { Opportunity } from '../../src/domain/opportunity/opportunity.js';

/** Lets a concurrent revision (title "Rival") land right after a use case has read the row. */
export class RacingRepository extends InMemoryOpportunityRepository {
  race = false;
  override async findById(id: string): Promise<Opportunity | null> {
    const found = await super.findById(id);
    if (this.race && found) {
      this.race = false;
      const rival = (await super.findById(id)) as Opportunity;
      rival.revise({ ...rival.toSnapshot(), title: 'Rival' }, new Date());
      await super.update(rival, found.version);
    }
    return found;
  }
}
