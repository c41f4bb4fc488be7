/**
 * What the idle service's memory holds: the service started as production runs it (startService),
 * 0.5 s after it is ready, as the rss scenario measures it. Prints RSS by mapping (the node binary's
 * pages, anonymous memory, malloc's heap), V8's heap spaces, the strings of a heap snapshot (and how
 * many are long two-byte ones: module sources), and the modules loaded, by package.
 *
 *   npx tsx bench/idle-memory.ts --database-url <a migrated database> [--env K=V ...]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freePort } from './lib/database.js';
import { REPO_ROOT, startService } from './lib/servers.js';

const { values } = parseArgs({
  options: {
    'database-url': { type: 'string' },
    env: { type: 'string', multiple: true, default: [] },
  },
});
if (!values['database-url']) {
  console.error('Usage: npx tsx bench/idle-memory.ts --database-url URL [--env MALLOC_ARENA_MAX=2 ...]');
  process.exit(2);
}
const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
const dir = mkdtempSync(path.join(tmpdir(), 'idle-memory-'));
const report = path.join(dir, 'report');
const extraEnv = Object.fromEntries(values.env.map((pair) => pair.split('=', 2) as [string, string]));

/** RSS (kB in smaps) by what a mapping is. */
function rssByMapping(pid: number, nodeBinary: string): Record<string, number> {
  const totals: Record<string, number> = {};
  let kind = 'other';
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) {
      const name = mapping[1] ?? '';
      kind =
        name === '' ? 'anonymous' : name === '[heap]' ? 'malloc heap' : name === nodeBinary ? 'node binary' : 'other';
    } else if (line.startsWith('Rss:')) {
      totals[kind] = (totals[kind] ?? 0) + Number(line.split(/\s+/)[1]) * 1024;
    }
  }
  return totals;
}

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Strings of a heap snapshot: all, and those of 1,000+ characters stored two bytes a character. */
function snapshotStrings(file: string): { all: number; longTwoByte: number } {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snapshot.snapshot.meta.node_fields;
  const [types] = snapshot.snapshot.meta.node_types;
  const [type, name, size] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [
    number,
    number,
    number,
  ];
  let all = 0;
  let longTwoByte = 0;
  for (let index = 0; index < snapshot.nodes.length; index += fields.length) {
    if (types[snapshot.nodes[index + type] as number] !== 'string') continue;
    const bytes = snapshot.nodes[index + size] as number;
    const { length } = snapshot.strings[snapshot.nodes[index + name] as number] as string;
    all += bytes;
    if (length >= 1000 && bytes >= 2 * length) longTwoByte += bytes;
  }
  return { all, longTwoByte };
}

const server = await startService({
  databaseUrl: values['database-url'],
  secret: 'idle-memory-secret-idle-memory-secret-0123456789',
  port: await freePort(),
  poolSize: 10,
  nodeFlags: ['--import', path.join(REPO_ROOT, 'bench/lib/idle-memory-preload.mjs')],
  env: { MIGRATE_ON_START: 'false', IDLE_MEMORY_REPORT: report, ...extraEnv },
});
try {
  await new Promise((resolve) => setTimeout(resolve, 500));
  const nodeBinary = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').split('\0')[0] as string;
  const rss = rssByMapping(server.pid, path.resolve(nodeBinary));
  const total = Object.values(rss).reduce((sum, bytes) => sum + bytes, 0);
  console.log(
    `RSS ${mb(total)}: ${Object.entries(rss)
      .map(([kind, bytes]) => `${kind} ${mb(bytes)}`)
      .join(', ')}`,
  );
  process.kill(server.pid, 'SIGUSR2');
  for (let waited = 0; !existsSync(`${report}.done`); waited += 100) {
    if (waited > 60_000) throw new Error('no report from the service');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const stats = JSON.parse(readFileSync(`${report}.json`, 'utf8')) as {
    spaces: { space_name: string; space_used_size: number }[];
    heap: { total_physical_size: number; used_heap_size: number };
    modules: string[];
  };
  const used = stats.spaces.filter((space) => space.space_used_size >= 0.1 * MB);
  console.log(
    `V8 heap ${mb(stats.heap.total_physical_size)} resident, ${mb(stats.heap.used_heap_size)} used: ` +
      used.map((space) => `${space.space_name} ${mb(space.space_used_size)}`).join(', '),
  );
  const strings = snapshotStrings(`${report}.heapsnapshot`);
  console.log(`strings ${mb(strings.all)}, of them ${mb(strings.longTwoByte)} long two-byte ones (module sources)`);
  const files = stats.modules.filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url));
  const byPackage = new Map<string, number>();
  for (const file of files) {
    const owner = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? 'the service';
    byPackage.set(owner, (byPackage.get(owner) ?? 0) + 1);
  }
  const sourceBytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
  const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 6);
  console.log(
    `modules ${files.length} (${mb(sourceBytes)} of files): ${top.map(([owner, count]) => `${owner} ${count}`).join(', ')}`,
  );
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
