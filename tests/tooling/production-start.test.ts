import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { PRODUCTION_ENV, PRODUCTION_NODE_FLAGS } from '../../bench/lib/servers.js';

const root = path.resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

/** The bench measures what production runs: the image, `npm start` and the bench pass the same node flags and environment. */
describe('the production start command', () => {
  it("is the Dockerfile's CMD: node, the bench's production flags, dist/src/main.js", () => {
    const cmd = /^CMD (\[.*\])$/m.exec(read('Dockerfile'))?.[1];
    expect(cmd, 'an exec-form CMD').to.be.a('string');
    expect(JSON.parse(cmd as string)).to.deep.equal(['node', ...PRODUCTION_NODE_FLAGS, 'dist/src/main.js']);
  });

  it("sets the bench's production environment in the image", () => {
    const env = new Map<string, string>();
    // Every `ENV` instruction of the final stage, continuation lines included.
    const finalStage = read('Dockerfile')
      .split(/^FROM /m)
      .at(-1) as string;
    for (const [, body] of finalStage.matchAll(/^ENV ((?:.*\\\n)*.*)$/gm)) {
      for (const [, name, value] of (body as string).matchAll(/(\w+)=(\S+)/g)) env.set(name as string, value as string);
    }
    for (const [name, value] of Object.entries(PRODUCTION_ENV)) expect(env.get(name), name).to.equal(value);
  });

  it('is what `npm start` runs after the build', () => {
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const env = Object.entries(PRODUCTION_ENV).map(([name, value]) => `${name}=${value}`);
    expect(scripts.start).to.equal(
      `npm run build && ${[...env, 'node', ...PRODUCTION_NODE_FLAGS, 'dist/src/main.js'].join(' ')}`,
    );
  });
});
