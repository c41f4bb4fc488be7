import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Every process of one PostgreSQL cluster: the postmaster (first line of postmaster.pid in its
 * data directory) and its children. Only ever a cluster the test started itself.
 */
export async function clusterProcesses(clusterDir: string): Promise<number[]> {
  const postmaster = Number((await readFile(path.join(clusterDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesised command name: state, then the parent pid.
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (parent === postmaster) children.push(Number(entry));
  }
  return [postmaster, ...children];
}

/** SIGSTOP every process of the cluster, as a hung disk or a network partition looks; returns a thaw. */
export async function freezeCluster(clusterDir: string): Promise<() => void> {
  const pids = await clusterProcesses(clusterDir);
  for (const pid of pids) process.kill(pid, 'SIGSTOP');
  return () => {
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // Already gone.
      }
    }
  };
}
