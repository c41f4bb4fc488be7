// Runs after `npm install` / `npm ci` (root postinstall). npm scripts put node_modules/.bin first on
// PATH, so `process.version` here is the Node the project installed for itself, not the system's.
import { execFileSync } from 'node:child_process';

let systemNode = 'none found';
try {
  const pathWithoutProject = (process.env.PATH ?? '')
    .split(':')
    .filter((entry) => !entry.includes('node_modules'))
    .join(':');
  systemNode = execFileSync('node', ['--version'], { env: { ...process.env, PATH: pathWithoutProject } })
    .toString()
    .trim();
} catch {
  // No system Node on PATH: nothing to compare with.
}

console.log(
  `opportunities-service: npm scripts (start, test, bench) run on Node ${process.version}, ` +
    `installed from the npm package "node" (system Node: ${systemNode}; the service needs >= 26, as "engines" says). ` +
    'Production images should run Node 26 directly.',
);
