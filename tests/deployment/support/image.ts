import { readFile } from 'node:fs/promises';
import { podman } from './podman.js';

/** `-e NAME=value` pairs for podman run/create. */
export function containerEnv(env: Record<string, string>): string[] {
  return Object.entries(env).flatMap(([key, value]) => ['-e', `${key}=${value}`]);
}

/** Uncompressed bytes of the layers `image` adds on top of `base` (as `podman image inspect` counts them). */
export async function addedBytes(image: string, base: string): Promise<number> {
  const size = async (name: string) => Number(await podman(['image', 'inspect', '--format', '{{.Size}}', name]));
  return (await size(image)) - (await size(base));
}

/** Every file and folder under `dir` inside the image (a throwaway container lists them). */
export async function imageFiles(image: string, dir: string): Promise<string[]> {
  const output = await podman(['run', '--rm', '--read-only', '--network=none', image, 'find', dir, '-xdev'], 60_000);
  return output.split('\n').filter((line) => line.length > 0);
}

/** User + system CPU seconds a running container's main process has used (rootful podman: host PIDs). */
export async function processCpuSeconds(container: string): Promise<number> {
  const pid = await mainPid(container);
  // Fields 14 and 15 of /proc/<pid>/stat, counted after the command name (which may hold spaces).
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The real user and group ids of a running container's main process, as the host kernel sees them. */
export async function processIds(container: string): Promise<{ uid: number; gid: number }> {
  const status = await readFile(`/proc/${await mainPid(container)}/status`, 'utf8');
  const real = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
  return { uid: real('Uid'), gid: real('Gid') };
}

async function mainPid(container: string): Promise<string> {
  return (await podman(['inspect', '--format', '{{.State.Pid}}', container])).trim();
}
