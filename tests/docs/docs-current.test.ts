/**
 * The hand-over docs stay true to the tree: every environment variable the service reads is in the
 * configuration page and .env.example, every relative link (and its #anchor) resolves, and no page
 * grows past what a newcomer reads in a few minutes.
 */
import { readdir, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

const root = path.resolve(import.meta.dirname, '../..');
const MAX_LINES = 250;

async function markdownPages(): Promise<string[]> {
  const docs = (await readdir(path.join(root, 'docs'))).filter((name) => name.endsWith('.md'));
  return ['README.md', 'bench/README.md', 'clients/typescript/README.md', ...docs.map((name) => `docs/${name}`)];
}

/** Variable names the configuration code reads: quoted SCREAMING_SNAKE_CASE strings. */
async function variablesRead(): Promise<string[]> {
  const dir = path.join(root, 'src/adapters/env');
  const names = new Set<string>();
  for (const file of await readdir(dir)) {
    const text = await readFile(path.join(dir, file), 'utf8');
    for (const match of text.matchAll(/'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|HOST|PORT)'/g)) names.add(match[1] as string);
  }
  return [...names].sort();
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchorsIn(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6} (.+)$/.exec(line);
    if (heading) anchors.add(anchorOf(heading[1] as string));
  }
  return anchors;
}

describe('Docs', () => {
  it('name every variable the service reads, in docs/configuration.md and .env.example', async () => {
    const variables = await variablesRead();
    expect(variables).to.include.members(['DATABASE_URL', 'JWT_SECRET', 'SHUTDOWN_DRAIN_MS']);
    const configuration = await readFile(path.join(root, 'docs/configuration.md'), 'utf8');
    const example = await readFile(path.join(root, '.env.example'), 'utf8');
    expect(variables.filter((name) => !configuration.includes(`\`${name}\``))).to.deep.equal([]);
    expect(variables.filter((name) => !new RegExp(`^#? ?${name}=`, 'm').test(example))).to.deep.equal([]);
  });

  it('link only to files and headings that exist', async () => {
    const broken: string[] = [];
    for (const page of await markdownPages()) {
      const text = await readFile(path.join(root, page), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target as string)) continue;
        const [file, anchor] = (target as string).split('#') as [string, string | undefined];
        const resolved = file === '' ? path.join(root, page) : path.resolve(path.dirname(path.join(root, page)), file);
        if (!existsSync(resolved)) broken.push(`${page}: ${target}`);
        else if (anchor && resolved.endsWith('.md') && !anchorsIn(await readFile(resolved, 'utf8')).has(anchor)) {
          broken.push(`${page}: ${target} (no such heading)`);
        }
      }
    }
    expect(broken).to.deep.equal([]);
  });

  it(`keep every page within ${MAX_LINES} lines`, async () => {
    const long: string[] = [];
    for (const page of await markdownPages()) {
      const lines = (await readFile(path.join(root, page), 'utf8')).split('\n').length - 1;
      if (lines > MAX_LINES) long.push(`${page}: ${lines} lines`);
    }
    expect(long).to.deep.equal([]);
  });
});
