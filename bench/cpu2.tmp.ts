import { readFileSync } from 'node:fs';
import pg from 'pg';
import { searchParameters } from '../src/adapters/mikro-orm/search/mikro-orm-opportunity-search.js';
import { searchSql, VOCABULARY_SQL } from '../src/adapters/mikro-orm/search/search-sql.js';
import { parseSearchQuery } from '../src/domain/opportunity/search/search-query.js';
import { correctable, corrections } from '../src/domain/opportunity/search/typo-rules.js';
const c = new pg.Client({ connectionString: process.env.LAB_URL ?? 'postgres://postgres@127.0.0.1:5432/search_lab' });
await c.connect();
const pid = (await c.query('select pg_backend_pid() as p')).rows[0].p;
const cpu = () => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
async function once(q: string) {
  const query = parseSearchQuery(q);
  const terms = query.clauses.flatMap((cl) => cl.alternatives.filter((t) => t.words.length === 1));
  const wanted = terms.filter((t) => t.prefix || correctable(t.words[0]!));
  const completions = new Map<string, string[]>();
  const fixes = new Map<string, string[]>();
  if (wanted.length) {
    const voc = await c.query({ name: 'v', text: VOCABULARY_SQL, values: [wanted.map((t) => t.words[0]), wanted.map((t) => t.prefix), wanted.map((t) => correctable(t.words[0]!))] });
    for (const row of voc.rows) {
      if (row.completions.length) completions.set(row.word, row.completions);
      if (row.known || row.completions.length) continue;
      const f = corrections(row.folded, row.candidates);
      if (f.length) fixes.set(row.word, f);
    }
  }
  const params = searchParameters({ query, filters: {}, page: { limit: 20 }, mode: (process.env.MODE as 'full') ?? 'full' }, { completions, corrections: fixes });
  return (await c.query({ name: 's', text: searchSql('forward'), values: params })).rowCount;
}
for (const q of process.argv.slice(2)) {
  for (let i = 0; i < 6; i++) await once(q);
  const n = Number(process.env.N ?? 50);
  const samples: number[] = [];
  const before = cpu();
  for (let i = 0; i < n; i++) { const t = performance.now(); await once(q); samples.push(performance.now() - t); }
  samples.sort((a, b) => a - b);
  console.log(JSON.stringify(q).padEnd(18), 'postgres CPU ms/request', ((cpu() - before) / n).toFixed(1), ' wall p50/min', samples[Math.floor(n / 2)]!.toFixed(1), samples[0]!.toFixed(1));
}
await c.end();
