/** Service identifiers for the container: one Symbol per port or use case. */
export const TOKENS = {
  OpportunityRepository: Symbol.for('OpportunityRepository'),
  OpportunitySearch: Symbol.for('OpportunitySearch'),
  AccessTokenVerifier: Symbol.for('AccessTokenVerifier'),
  HealthCheck: Symbol.for('HealthCheck'),
  Clock: Symbol.for('Clock'),
  IdGenerator: Symbol.for('IdGenerator'),
  Logger: Symbol.for('Logger'),
  CreateOpportunity: Symbol.for('CreateOpportunity'),
  GetOpportunity: Symbol.for('GetOpportunity'),
  UpdateOpportunity: Symbol.for('UpdateOpportunity'),
  DeleteOpportunity: Symbol.for('DeleteOpportunity'),
  ListOpportunities: Symbol.for('ListOpportunities'),
  SearchOpportunities: Symbol.for('SearchOpportunities'),
  IdempotentRequests: Symbol.for('IdempotentRequests'),
  PurgeExpiredIdempotencyKeys: Symbol.for('PurgeExpiredIdempotencyKeys'),
  HttpApp: Symbol.for('HttpApp'),
} as const;
