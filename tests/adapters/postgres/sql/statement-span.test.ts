import { expect } from 'chai';
import { IdempotencyStatements } from '../../../../src/adapters/postgres/idempotency/idempotency-statements.js';
import { OpportunityStatements } from '../../../../src/adapters/postgres/opportunities/opportunity-statements.js';
import { statementSpan } from '../../../../src/adapters/postgres/sql/statement-span.js';
import { compileOnlyKysely } from '../../../support/compile-only-kysely.js';

describe('Statement spans: named by the statement, attributes from its text, never its values', () => {
  it('names each statement by its label and says which table it writes or reads', () => {
    const statements = new OpportunityStatements(compileOnlyKysely());
    expect(statements.findById.span).to.deep.equal({
      name: 'opportunity_find_by_id',
      attributes: {
        'db.system.name': 'postgresql',
        'db.operation.name': 'SELECT',
        'db.collection.name': 'opportunity',
        'db.query.summary': 'SELECT opportunity',
      },
    });
    expect(statements.update.span.attributes['db.query.summary']).to.equal('UPDATE opportunity');
    expect(statements.list({ category: 'x' }, 'after').span.name).to.equal('opportunity_page_after');
    const idempotency = new IdempotencyStatements(compileOnlyKysely());
    // The keyed create writes the key's record first, then the row.
    expect(idempotency.create.span.attributes['db.query.summary']).to.equal('INSERT idempotency_key');
    // `for update skip locked` in its CTE locks rows; the statement deletes.
    expect(idempotency.purge.span.attributes['db.query.summary']).to.equal('DELETE idempotency_key');
  });

  it('takes a lock clause or a conflict action for no write', () => {
    const text = 'with "b" as (select "w" from "v" for update skip locked) delete from "v" using "b"';
    expect(statementSpan('prune', text).attributes['db.query.summary']).to.equal('DELETE v');
    const upsert = 'insert into "k" ("a") values ($1) on conflict ("a") do update set "a" = $1';
    expect(statementSpan('record', upsert).attributes['db.query.summary']).to.equal('INSERT k');
  });
});
