import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { committedTypes, generateTypes } from '../scripts/generate-types.js';

const SRC = path.resolve(import.meta.dirname, '../src');

describe('TypeScript client: packaging', function () {
  this.timeout(30_000);

  it('has committed types equal to a fresh generation from the document (else: npm run client:types)', async () => {
    expect(await committedTypes()).to.equal(await generateTypes());
  });

  it('uses nothing React Native or a browser lacks: no node: modules, Buffer, process or require', async () => {
    const files = (await readdir(SRC, { recursive: true })).filter((file) => file.endsWith('.ts'));
    expect(files.length).to.be.greaterThan(5);
    for (const file of files) {
      const text = await readFile(path.join(SRC, file), 'utf8');
      expect(text, file).to.not.match(/from ['"]node:|\bBuffer\b|\bprocess\.|\brequire\(/);
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((match) => match[1] ?? '');
      expect(
        imports.filter((name) => !name.startsWith('.')),
        file,
      ).to.satisfy((names: string[]) => names.every((name) => name === 'openapi-fetch'));
    }
  });
});
