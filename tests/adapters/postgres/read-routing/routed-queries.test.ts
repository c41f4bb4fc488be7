import type { MikroORM } from '@mikro-orm/postgresql';
import { expect } from 'chai';
import type { Pool } from 'pg';
import { DependencyUnavailableError } from '../../../../src/application/dependency-unavailable.error.js';
import { ReadYourWrites } from '../../../../src/adapters/postgres/read-routing/read-your-writes.js';
import type { Replica, ReplicaSet } from '../../../../src/adapters/postgres/read-routing/replica-set.js';
import { RoutedQueries } from '../../../../src/adapters/postgres/read-routing/routed-queries.js';
import { rejection } from '../../../support/rejection.js';

/**
 * What a failing replica read does, without servers (read-replicas.test.ts runs a real standby):
 * an unreachable replica is marked down and the primary answers; a query cancelled by the
 * statement timeout is slow, not a dead replica, so it is neither repeated nor held against it.
 */
/** The part of a pg Pool the router uses: check a client out, query, release it. */
function fakePool(query: () => Promise<unknown>): Pool {
  return { connect: async () => ({ query, release: () => undefined }) } as unknown as Pool;
}

describe('RoutedQueries: a replica read that fails', () => {
  const query = { name: 'probe', text: 'select 1', values: [] };
  let markedDown: string[];
  let primaryQueries: number;

  function routed(replicaError: Error): RoutedQueries {
    markedDown = [];
    primaryQueries = 0;
    const replica: Replica = {
      name: 'replica-1',
      pool: () =>
        fakePool(async () => {
          throw replicaError;
        }),
    };
    const replicas = { pick: () => replica, markDown: (r: Replica) => markedDown.push(r.name) };
    const primary = fakePool(async () => ((primaryQueries += 1), { rows: [{ answered: 'primary' }] }));
    const orm = { em: { getConnection: () => ({ getNativeClient: async () => primary }) } };
    return new RoutedQueries(orm as unknown as MikroORM, {
      replicas: replicas as unknown as ReplicaSet,
      readYourWrites: new ReadYourWrites(0),
    });
  }

  it('falls back to the primary when the replica is unreachable, and marks it down', async () => {
    const queries = routed(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(await queries.read(query)).to.deep.equal([{ answered: 'primary' }]);
    expect(markedDown).to.deep.equal(['replica-1']);
    expect(primaryQueries).to.equal(1);
  });

  it('answers 503 for a statement timeout (57014) without repeating the query on the primary', async () => {
    const queries = routed(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }));
    const error = await rejection(queries.read(query));
    expect(error).to.be.instanceOf(DependencyUnavailableError);
    expect(markedDown).to.deep.equal([]);
    expect(primaryQueries).to.equal(0);
  });

  it('passes other errors through unchanged', async () => {
    const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
    const queries = routed(syntax);
    expect(await rejection(queries.read(query))).to.equal(syntax);
    expect(markedDown).to.deep.equal([]);
  });
});
