/**
 * Preloaded into the service by bench/idle-memory.ts (`node --import`): records every module the
 * service loads and, on SIGUSR2, writes V8's heap statistics, that list and a heap snapshot next to
 * IDLE_MEMORY_REPORT. Costs the list of URLs (~0.1 MB); nothing else runs until the signal.
 */
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import v8 from 'node:v8';

const report = process.env.IDLE_MEMORY_REPORT;
const modules = [];
registerHooks({
  load(url, context, nextLoad) {
    modules.push(url);
    return nextLoad(url, context);
  },
});
process.on('SIGUSR2', () => {
  const spaces = v8.getHeapSpaceStatistics();
  writeFileSync(`${report}.json`, JSON.stringify({ spaces, heap: v8.getHeapStatistics(), modules }));
  v8.writeHeapSnapshot(`${report}.heapsnapshot`);
  writeFileSync(`${report}.done`, '');
});
