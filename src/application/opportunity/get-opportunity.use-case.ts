import { NotFoundError } from '../../domain/domain-errors.js';
import type { Opportunity } from '../../domain/opportunity/opportunity.js';
import type { OpportunityRepository } from '../../domain/opportunity/opportunity-repository.port.js';

export class GetOpportunity {
  constructor(private readonly opportunities: OpportunityRepository) {}

  async execute(id: string): Promise<Opportunity> {
    const opportunity = await this.opportunities.findById(id);
    if (!opportunity) throw new NotFoundError('Opportunity', id);
    return opportunity;
  }
}
