import { expect } from 'chai';
import type { Pool } from 'pg';
import { ReadYourWrites } from '../../../../src/adapters/postgres/read-routing/read-your-writes.js';
import {
  type Replica,
  ReplicaSet,
  type ReplicaStatus,
} from '../../../../src/adapters/postgres/read-routing/replica-set.js';

/** Routing decisions without servers; tests/adapters/postgres/read-routing/read-replicas.test.ts runs a real standby. */
interface FakeStandby {
  standby: boolean;
  replayLsn: string;
  replayAgeMs: number;
  down: boolean;
}

function fakePool(answer: () => Record<string, unknown>): Pool {
  return {
    query: async () => ({ rows: [answer()] }),
  } as unknown as Pool;
}

function standbyPool(state: FakeStandby): Pool {
  return fakePool(() => {
    if (state.down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    return { standby: state.standby, replay_lsn: state.replayLsn, replay_age_ms: state.replayAgeMs };
  });
}

describe('ReplicaSet: which standby serves a read', () => {
  let primaryLsn: string;
  let a: FakeStandby;
  let b: FakeStandby;
  let set: ReplicaSet;
  let changes: ReplicaStatus[];

  beforeEach(() => {
    primaryLsn = '0/3000100';
    a = { standby: true, replayLsn: '0/3000100', replayAgeMs: 60_000, down: false };
    b = { standby: true, replayLsn: '0/3000100', replayAgeMs: 60_000, down: false };
    changes = [];
    const replicas: Replica[] = [
      { name: 'replica-1', pool: async () => standbyPool(a) },
      { name: 'replica-2', pool: async () => standbyPool(b) },
    ];
    set = new ReplicaSet(async () => fakePool(() => ({ lsn: primaryLsn })), replicas, {
      maxLagMs: 500,
      checkIntervalMs: 60_000,
      probeTimeoutMs: 1_000,
      onStateChange: (status) => changes.push(status),
    });
  });

  it('trusts no standby before the first check, then takes the healthy ones in turn', async () => {
    expect(set.pick()).to.equal(undefined);
    await set.check();
    const picks = Array.from({ length: 4 }, () => set.pick()?.name);
    expect(picks).to.deep.equal(['replica-1', 'replica-2', 'replica-1', 'replica-2']);
    // Caught up with the primary: no lag, however long ago the last transaction was.
    expect(set.statuses()).to.deep.equal([
      { name: 'replica-1', state: 'up', lagMs: 0 },
      { name: 'replica-2', state: 'up', lagMs: 0 },
    ]);
  });

  it('skips a standby behind by more than the allowed lag, and takes it back once caught up', async () => {
    a.replayLsn = '0/3000000';
    a.replayAgeMs = 900;
    await set.check();
    expect(set.statuses()[0]).to.deep.equal({ name: 'replica-1', state: 'lagging', lagMs: 900 });
    expect([set.pick()?.name, set.pick()?.name]).to.deep.equal(['replica-2', 'replica-2']);
    a.replayAgeMs = 400; // behind, but within the limit
    await set.check();
    expect(set.statuses()[0]?.state).to.equal('up');
    expect(changes.map((c) => `${c.name}:${c.state}`)).to.deep.equal([
      'replica-1:lagging',
      'replica-2:up',
      'replica-1:up',
    ]);
  });

  it('leaves out a standby that is unreachable, promoted, or failed a read, until a check finds it healthy', async () => {
    a.down = true;
    b.standby = false;
    await set.check();
    expect(set.pick()).to.equal(undefined);
    expect(set.statuses().map((s) => s.state)).to.deep.equal(['down', 'down']);
    a.down = false;
    b.standby = true;
    await set.check();
    const first = set.pick() as Replica;
    set.markDown(first);
    expect(set.statuses().find((s) => s.name === first.name)?.state).to.equal('down');
    expect(set.pick()?.name).not.to.equal(first.name);
  });
});

describe('ReadYourWrites: when a read must see the primary', () => {
  it('sends a user to the primary for the window after their write, others and later reads to replicas', async () => {
    // (ReadYourWrites.run kinds: 'read', 'write' for state-changing requests, 'primary' when asked.)
    let now = 1_000;
    const ryw = new ReadYourWrites(5_000, () => now);
    expect(await ryw.run('u1', 'read', async () => ryw.primaryRequired())).to.equal(false);
    const inWritingRequest = await ryw.run('u1', 'read', async () => {
      ryw.noteWrite();
      return ryw.primaryRequired();
    });
    expect(inWritingRequest).to.equal(true);
    expect(await ryw.run('u1', 'read', async () => ryw.primaryRequired())).to.equal(true);
    expect(await ryw.run('u2', 'read', async () => ryw.primaryRequired())).to.equal(false);
    expect(await ryw.run(undefined, 'read', async () => ryw.primaryRequired())).to.equal(false);
    expect(await ryw.run(undefined, 'primary', async () => ryw.primaryRequired())).to.equal(true);
    now += 5_000;
    expect(await ryw.run('u1', 'read', async () => ryw.primaryRequired())).to.equal(false);
    // A state-changing request reads the primary from its first statement, and opens the window
    // even when its write went through another adapter (no noteWrite).
    expect(await ryw.run('u3', 'write', async () => ryw.primaryRequired())).to.equal(true);
    expect(await ryw.run('u3', 'read', async () => ryw.primaryRequired())).to.equal(true);
  });
});
