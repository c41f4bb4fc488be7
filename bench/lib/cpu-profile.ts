import { readFile } from 'node:fs/promises';

/** The parts of a V8 .cpuprofile (written by `node --cpu-prof`) that are read here. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Self time by where the code lives: a package, a service file, node internals, GC, idle. */
  readonly selfByArea: [string, number][];
  /** Time with at least one frame of that area on the stack (areas overlap). */
  readonly inclusiveByArea: [string, number][];
  readonly topFunctions: [string, number][];
}

/** node_modules/<pkg> (scoped packages grouped as @scope/*), service files, node internals. */
export function areaOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const packaged = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packaged?.[1]) {
    const name = packaged[1];
    return name.startsWith('@mikro-orm/') ? '@mikro-orm/*' : name;
  }
  if (url.startsWith('node:')) return url.startsWith('node:internal/') ? 'node internals' : url;
  const service = /\/(?:dist\/)?src\/(.+?)(?:\.js|\.ts)$/.exec(url);
  if (service?.[1]) return `service: ${service[1].split('/').slice(0, 2).join('/')}`;
  const bench = /\/bench\/(.+)$/.exec(url);
  return bench?.[1] ? `bench: ${bench[1]}` : url;
}

const sorted = (map: Map<string, number>, total: number, top: number): [string, number][] =>
  [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => [name, Math.round((us / total) * 1000) / 10]);

/** Percentages of the profile's sampled time (idle included in the total, so it shows). */
export async function summarizeProfile(file: string, top = 12): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const total = [...selfUs.values()].reduce((sum, us) => sum + us, 0) || 1;

  const selfByArea = new Map<string, number>();
  const inclusiveByArea = new Map<string, number>();
  const functions = new Map<string, number>();
  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const area = areaOf(url, functionName);
    selfByArea.set(area, (selfByArea.get(area) ?? 0) + us);
    const where = url === '' ? '' : ` ${url.replace(/^.*\/(node_modules|dist|bench)\//, '$1/')}:${lineNumber + 1}`;
    const key = `${functionName || '(anonymous)'}${where}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
    const onStack = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
      const frame = byId.get(current)?.callFrame;
      if (frame && frame.url !== '') onStack.add(areaOf(frame.url, frame.functionName));
    }
    for (const name of onStack) inclusiveByArea.set(name, (inclusiveByArea.get(name) ?? 0) + us);
  }
  return {
    totalMs: Math.round(total / 1000),
    selfByArea: sorted(selfByArea, total, top),
    inclusiveByArea: sorted(inclusiveByArea, total, top),
    topFunctions: sorted(functions, total, top),
  };
}
