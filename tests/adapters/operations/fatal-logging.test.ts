import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import { freePort } from '../../support/test-database.js';
import { TEST_SECRET } from '../../support/test-service.js';

const root = path.resolve(import.meta.dirname, '../../..');

/**
 * Log lines are batched in memory (4 KB or 1 s). A process that dies must still write what it
 * buffered and why it died: here the database cannot be reached at start-up, so the service exits 1
 * and its JSON log ends with a fatal line naming the failure.
 */
describe('a service that cannot start', function () {
  this.timeout(60_000);

  it('exits 1 with a fatal log line, not a silently lost buffer', async () => {
    const closedPort = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/nowhere`,
        JWT_SECRET: TEST_SECRET,
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        LOG_LEVEL: 'info',
        DB_CONNECT_TIMEOUT_MS: '500',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).to.equal(1);
    const lines = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string });
    const fatal = lines.find((line) => line.level === 60);
    expect(fatal, `stdout was: ${stdout}`).to.include({ msg: 'failed to start' });
  });
});
