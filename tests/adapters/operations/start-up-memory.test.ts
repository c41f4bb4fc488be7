import { expect } from 'chai';
import { PRODUCTION_NODE_FLAGS } from '../../../bench/lib/servers.js';
import { spawnService } from '../../support/service-process.js';
import { freePort, testDatabaseUrl } from '../../support/test-database.js';
import { waitUntil } from '../../support/wait.js';

const gcCalls = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('gc called '));

describe('Operations: start-up memory', function () {
  this.timeout(30_000);

  it('started with the production node flags, collects its start-up garbage once, before it serves', async () => {
    const port = await freePort();
    const service = spawnService(
      port,
      await testDatabaseUrl(),
      {},
      { nodeFlags: PRODUCTION_NODE_FLAGS, imports: ['./tests/support/gc-spy.mjs'] },
    );
    try {
      await waitUntil(async () => (await fetch(`http://127.0.0.1:${port}/health/live`)).ok, {
        timeoutMs: 20_000,
        what: 'the service to listen',
      });
      // The collection runs as the start resolves: by the first answer it has happened.
      expect(gcCalls(service.stderr())).to.deep.equal([
        'gc called [{"type":"major","execution":"sync","flavor":"last-resort"}]',
      ]);
      await fetch(`http://127.0.0.1:${port}/health/live`);
      expect(gcCalls(service.stderr())).to.have.length(1);
    } finally {
      service.kill();
      await service.exited;
    }
  });
});
