import pg from 'pg';
import { searchParameters } from '../src/adapters/mikro-orm/search/mikro-orm-opportunity-search.js';
import { searchSql, VOCABULARY_SQL } from '../src/adapters/mikro-orm/search/search-sql.js';
import { parseSearchQuery } from '../src/domain/opportunity/search/search-query.js';
import { correctable, corrections } from '../src/domain/opportunity/search/typo-rules.js';
const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/search_lab' });
await c.connect();
const q = process.argv[2] ?? '';
const query = parseSearchQuery(q);
const terms = query.clauses.flatMap((cl) => cl.alternatives.filter((t) => t.words.length === 1));
const wanted = terms.filter((t) => t.prefix || correctable(t.words[0]!));
const completions = new Map<string, string[]>();
const fixes = new Map<string, string[]>();
if (wanted.length) {
  const voc = await c.query(VOCABULARY_SQL, [wanted.map((t) => t.words[0]), wanted.map((t) => t.prefix), wanted.map((t) => correctable(t.words[0]!))]);
  for (const row of voc.rows) {
    if (row.completions.length) completions.set(row.word, row.completions);
    if (row.known || row.completions.length) continue;
    const f = corrections(row.folded, row.candidates);
    if (f.length) fixes.set(row.word, f);
  }
  const ex = await c.query('explain (analyze, buffers) ' + VOCABULARY_SQL, [wanted.map((t) => t.words[0]), wanted.map((t) => t.prefix), wanted.map((t) => correctable(t.words[0]!))]);
  console.log('-- vocabulary look-up: ' + ex.rows.slice(-2).map((r) => r['QUERY PLAN']).join('; '));
}
console.log('-- expansions', JSON.stringify({ completions: [...completions], corrections: [...fixes] }));
const params = searchParameters({ query, filters: {}, page: { limit: 20 }, mode: 'full' }, { completions, corrections: fixes });
for (let i = 0; i < 6; i++) await c.query({ name: 's', text: searchSql('forward'), values: params });
const r = await c.query({ text: 'explain (analyze, buffers) execute s(' + params.map((_, i) => '$' + (i + 1)).join(',') + ')', values: params }).catch(async () => c.query({ text: 'explain (analyze, buffers) ' + searchSql('forward'), values: params }));
console.log(r.rows.map((x) => x['QUERY PLAN']).filter((l: string) => !l.includes('never executed') && !l.includes('CTE Scan on queries')).join('\n'));
await c.end();
