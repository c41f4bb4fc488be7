/**
 * Per-call cost of two per-row steps of the read path, in isolation (no database, no HTTP):
 * reading a `timestamptz` text (every listed or searched row has two) and marking a search result's
 * title and description (every result row). Median of 5 rounds; run on an otherwise idle machine.
 *
 *   npx tsx bench/hot-paths.ts
 */
import { parsePgTimestamp } from '../src/adapters/postgres/sql/pg-timestamp.js';
import { highlightMatches, queryLexemes, snippet } from '../src/adapters/postgres/search/highlight-runs.js';

const TIMESTAMPS = ['2026-11-24 05:51:51.083+00', '2026-11-24 05:51:51+05:30', '2026-01-01 00:00:00.5-08'];
/** What the parser replaced: rewrite to ISO 8601 and let Date parse it (still its fallback). */
const viaIso = (text: string) => new Date(text.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00'));

/** A row as the bench seeds them, searched for "python mentor". */
const TITLE = 'Python mentor for teenagers';
const DESCRIPTION =
  'We are looking for a bilingual mentor to help with fundraising campaigns. You will improve cafés with our ' +
  'digital team in Austin. Accessibility needs are supported. A sommelier will train you.';
const LEXEMES = queryLexemes(['python', 'mentor']);

function microseconds(calls: number, body: (i: number) => number): number {
  const rounds: number[] = [];
  let sink = 0;
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    for (let i = 0; i < calls; i++) sink += body(i);
    rounds.push(((performance.now() - started) * 1000) / calls);
  }
  if (sink === Number.MIN_VALUE) console.log(sink); // keeps the loop's work observable
  return rounds.sort((a, b) => a - b)[2] as number;
}

const stamp = (i: number) => TIMESTAMPS[i % TIMESTAMPS.length] as string;
const rows: [string, number][] = [
  [
    'timestamptz text, read in place (parsePgTimestamp)',
    microseconds(1_000_000, (i) => parsePgTimestamp(stamp(i)).getTime() & 1),
  ],
  ['timestamptz text, rewritten to ISO 8601 for Date', microseconds(1_000_000, (i) => viaIso(stamp(i)).getTime() & 1)],
  [
    'search result row: title and description snippet marked',
    microseconds(
      200_000,
      () => highlightMatches(TITLE, LEXEMES).length + snippet(highlightMatches(DESCRIPTION, LEXEMES)).length,
    ),
  ],
];
console.log('| step | µs per call |\n| --- | --- |');
for (const [name, value] of rows) console.log(`| ${name} | ${value.toFixed(2)} |`);
