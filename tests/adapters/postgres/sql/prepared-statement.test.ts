import { expect } from 'chai';
import { sql } from 'kysely';
import { IdempotencyStatements } from '../../../../src/adapters/postgres/idempotency/idempotency-statements.js';
import { OpportunityStatements } from '../../../../src/adapters/postgres/opportunities/opportunity-statements.js';
import type { OpportunityDatabase } from '../../../../src/adapters/postgres/schema/database-tables.js';
import { prepare } from '../../../../src/adapters/postgres/sql/prepared-statement.js';
import { compileOnlyKysely } from '../../../support/compile-only-kysely.js';

const db = compileOnlyKysely<OpportunityDatabase>();

function openInCategory() {
  return prepare<{ category: string; limit: number }>((param) =>
    db
      .selectFrom('opportunity as o')
      .select('o.id')
      .where('o.status', '=', 'open')
      .where('o.category', '=', param('category'))
      .limit(param('limit')),
  );
}

describe('prepared statements compiled from the typed builder', () => {
  it('maps each $n to its named parameter, keeps constants, and names the statement by its text', () => {
    const statement = openInCategory();
    expect(statement.text).to.equal(
      'select "o"."id" from "opportunity" as "o" where "o"."status" = $1 and "o"."category" = $2 limit $3',
    );
    expect(statement.values({ category: 'music', limit: 21 })).to.deep.equal(['open', 'music', 21]);
    expect(statement.name).to.match(/^opp_[0-9a-f]{16}$/);
    const again = openInCategory();
    expect(again.name).to.equal(statement.name);
  });

  it('gives a parameter used several times one $n, and leaves $ in quoted text alone', () => {
    const statement = prepare<{ word: string }>((param) =>
      db
        .selectFrom('opportunity as o')
        .select(sql<string>`'costs $1'`.as('label'))
        .where('o.title', '=', param('word'))
        .where('o.status', '=', 'open')
        .where('o.description', '=', param('word')),
    );
    expect(statement.text).to.equal(
      `select 'costs $1' as "label" from "opportunity" as "o" where "o"."title" = $1 and "o"."status" = $2 and "o"."description" = $1`,
    );
    expect(statement.values({ word: 'piano' })).to.deep.equal(['piano', 'open']);
  });

  it('refuses a parameter that the builder took for a column name', () => {
    expect(() =>
      prepare<{ column: string }>((param) => db.selectFrom('opportunity').select(param('column') as 'id')),
    ).to.throw(/used as an identifier/);
  });

  it('builds each list shape once and reuses it', () => {
    const statements = new OpportunityStatements(db);
    const first = statements.list({ category: 'music' }, 'after');
    expect(statements.list({ category: 'jobs' }, 'after')).to.equal(first);
    expect(statements.list({ status: 'open' }, 'after')).not.to.equal(first);
    expect(statements.list({ category: 'music' }, 'before')).not.to.equal(first);
    expect(first.text).to.contain('("o"."created_at", "o"."id") < (cast($2 as timestamptz), cast($3 as uuid))');
  });

  it('builds the keyed create as one statement under its own prefix, the record and the row each with their own times', () => {
    const { create } = new IdempotencyStatements(db);
    expect(create.name).to.match(/^idempotency_create_[0-9a-f]{16}$/);
    expect(create.text).to.match(
      /^with "lock" as \(select pg_try_advisory_xact_lock\(cast\(\$1 as bigint\)\) as "held"\)/,
    );
    expect(create.text).to.contain('insert into "opportunity"');
    const recordedAt = new Date('2026-12-01T10:00:00Z');
    const createdAt = new Date('2026-11-30T09:00:00Z');
    const values = create.values({
      ...{ lockId: '42', userId: 'u1', key: 'k1', fingerprint: 'f', responseStatus: 201, responseHeaders: {} },
      ...{ responseBody: '{}', recordedAt, expiresAt: recordedAt, id: 'id-1', title: 't', description: 'd' },
      ...{ category: 'c', location: null, latitude: null, longitude: null, tags: [], status: 'open' },
      ...{ deadline: null, createdBy: 'u1' },
      ...{ createdAt, updatedAt: createdAt, version: 1 },
    });
    expect(values.filter((value) => value === recordedAt)).to.have.length(2);
    expect(values.filter((value) => value === createdAt)).to.have.length(2);
  });
});
