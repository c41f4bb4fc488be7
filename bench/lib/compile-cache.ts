import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const made = new Map<string, string>();

/**
 * Production's image starts the service with V8's compile cache, made at build time by importing
 * the composition root (Dockerfile: NODE_COMPILE_CACHE=/app/.compile-cache, read-only at run time).
 * The bench makes the same cache once per build and gives each start a fresh copy of it, so no start
 * reads what an earlier one added at its exit (`--service-env NODE_DISABLE_COMPILE_CACHE=1` measures
 * without). Returns the copy's directory and its removal.
 */
export function compileCacheCopy(root: string, entry: string, node: string): { readonly dir: string; remove(): void } {
  const composition = path.resolve(root, path.dirname(entry), 'composition/start-service.js');
  let pristine = made.get(composition);
  if (pristine === undefined || !existsSync(pristine)) {
    pristine = mkdtempSync(path.join(os.tmpdir(), 'bench-compile-cache-'));
    // As the Dockerfile's RUN: import the modules, run nothing.
    execFileSync(
      node,
      ['--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(composition).href)})`],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', NODE_COMPILE_CACHE: pristine },
        stdio: 'ignore',
      },
    );
    made.set(composition, pristine);
    process.once('exit', () => rmSync(pristine as string, { recursive: true, force: true }));
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-compile-cache-run-'));
  cpSync(pristine, dir, { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
