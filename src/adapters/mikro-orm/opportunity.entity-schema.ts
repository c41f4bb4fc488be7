import { defineEntity, p } from '@mikro-orm/core';
import { Opportunity } from '../../domain/opportunity/opportunity.js';
import { SEARCH_INDEXES } from './search/search-entity-schema.js';

/**
 * Maps the plain domain class to the `opportunity` table, so the domain needs no decorators or
 * ORM imports. The `search_vector` column and its index live only in the migrations: the ORM never
 * reads or writes them (PostgreSQL generates the column).
 */
export const OpportunitySchema = defineEntity({
  class: Opportunity,
  tableName: 'opportunity',
  properties: {
    id: p.uuid().primary(),
    title: p.string().length(200),
    description: p.text(),
    category: p.string().length(50),
    location: p.string().length(200).nullable(),
    tags: p.array().columnType('text[]'),
    status: p.string().length(16),
    deadline: p.string().columnType('date').nullable(),
    createdBy: p.string().length(255),
    // Millisecond precision, like JavaScript dates, so keyset cursors compare exactly.
    createdAt: p.datetime(3),
    updatedAt: p.datetime(3),
    version: p.integer(),
  },
  // Search (migration 20261201): indexes the search and the location/tag filters rely on.
  indexes: SEARCH_INDEXES,
});
