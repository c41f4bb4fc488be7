import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { PRODUCTION_NODE_FLAGS } from '../../bench/lib/servers.js';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** The bench measures what production runs: the image, `npm start` and the bench pass the same node flags. */
describe('the production start command', () => {
  it("is the Dockerfile's CMD: node, the bench's production flags, dist/src/main.js", () => {
    const cmd = /^CMD (\[.*\])$/m.exec(read('Dockerfile'))?.[1];
    expect(cmd, 'an exec-form CMD').to.be.a('string');
    expect(JSON.parse(cmd as string)).to.deep.equal(['node', ...PRODUCTION_NODE_FLAGS, 'dist/src/main.js']);
  });

  it('is what `npm start` runs after the build', () => {
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(scripts.start).to.equal(`npm run build && node ${[...PRODUCTION_NODE_FLAGS, 'dist/src/main.js'].join(' ')}`);
  });
});
