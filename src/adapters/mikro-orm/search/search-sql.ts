import { OPPORTUNITY_COLUMNS } from '../opportunity-row.js';

/**
 * The search statement. Its cost is bounded by design: candidates come in tiers (every clause in
 * the title; every clause anywhere; some clause anywhere), each first from the newest
 * RECENT_WINDOW rows, then from a GIN index for older rows; an index tier reads at most SCAN_BUDGET
 * index matches and every tier keeps at most CANDIDATE_CAP rows passing the filters, and the
 * tiers stop as soon as CANDIDATE_CAP candidates are found (an Append under a LIMIT runs its
 * branches lazily). Only those candidates are scored and sorted, and only the page's rows get
 * highlights. The text is fixed (per paging direction) so it runs as a prepared statement; the
 * tsqueries are computed once per execution in a materialised CTE, never per row.
 *
 * Parameters: $1–$4 clause texts (any, exact, title, tags), $5 all, $6 some, $7 excluded,
 * $8 category, $9 status, $10 location, $11 tag, $12 createdBy, $13 titles only,
 * $14 candidate cap, $15 scan budget, $16–$18 cursor (score, created_at, id), $19 limit,
 * $20 all, in titles (tier 2 leaves tier 1's rows out without recomputing title vectors), $21 the
 * title tier's ids from the title postings, newest first (null: the title tier reads the GIN index).
 */
export const CONFIG = `'opportunity_search'::regconfig`;
const TITLE_VECTOR = `to_tsvector(${CONFIG}, o.title)`;

/** Scores: clauses matched dominate, then corrected typos, then where the words were found. */
export const SCORE = { clause: 100_000, typo: 1_000, title: 10, tags: 3 } as const;

const FILTERS = `($8::text is null or o.category = $8)
  and ($9::text is null or o.status = $9)
  and ($10::text is null or opportunity_fold(o.location) = opportunity_fold($10))
  and ($11::text is null or o.tags @> array[$11::text])
  and ($12::text is null or o.created_by = $12)
  and ((select excluded from queries) is null or not (o.search_vector @@ (select excluded from queries)))`;

/**
 * The newest rows are read in time order whatever the query (an index walk of a fixed length), so
 * among equally relevant results the newest are always candidates; older rows come from the GIN
 * indexes, in table order.
 */
export const RECENT_WINDOW = 2_000;
type Window = number;
const TIER_COLUMNS = 'o.id, o.created_at, o.search_vector, o.category, o.status, o.location, o.tags, o.created_by';

/**
 * The title tier from the title postings, in their order (newest first), rechecked on the row. The
 * lateral look-up (its LIMIT keeps it from being flattened into a join) walks the ids in order, so
 * the filters' LIMIT keeps the newest.
 */
const TITLE_POSTINGS = `(select o.* from unnest($21::uuid[]) as t(id) cross join lateral (
          select ${TIER_COLUMNS} from opportunity o where o.id = t.id limit 1
        ) o where o.search_vector @@ (select all_title_q from queries) limit $15)`;

/**
 * A tier: its matches (at most the cap, through an index). Only when the tiers so far overflow the
 * cap are its matches among the newest rows taken first, then its older ones: otherwise every
 * match is a candidate anyway and the recent window is never read (a rare word costs its few
 * index matches, not 2,000 rows). Title postings ($21) come newest first: no window for them.
 */
function tier(number: number, spec: { index: string; extra: string }): string {
  const counted = Array.from({ length: number }, (_, i) => `(select count(*) from tier${i + 1}_all)`).join(' + ');
  const postings = number === 1 ? '$21::uuid[] is null and ' : '';
  return `tier${number}_all as materialized (
    select o.id, o.created_at, o.search_vector from (
      ${number === 1 ? `${TITLE_POSTINGS} union all ` : ''}select ${TIER_COLUMNS} from opportunity o
      where ${postings}${spec.index} ${spec.extra} limit $15
    ) o where ${FILTERS} limit $14
  ),
  overflow${number} as (select ${postings}${counted} >= $14 as yes),
  recent${number} as (
    select id, created_at, search_vector from recent where tier = ${number} and (select yes from overflow${number}) limit $14
  ),
  tier${number} as (select * from tier${number}_all
    where not (select yes from overflow${number}) or (created_at, id) < (select created_at, id from window_end))`;
}

const ALL = '(select all_q from queries)';
const ALL_IN_TITLE = '(select all_title_q from queries)';
const SOME = '(select some_q from queries)';
const SEVERAL_CLAUSES = '(select count(*) from clauses) > 1';
const TIERS = [
  { index: `${TITLE_VECTOR} @@ ${ALL}`, extra: '' },
  { index: `o.search_vector @@ ${ALL}`, extra: `and not $13 and not (o.search_vector @@ ${ALL_IN_TITLE})` },
  {
    index: `o.search_vector @@ ${SOME}`,
    extra: `and not $13 and ${SEVERAL_CLAUSES} and not (o.search_vector @@ ${ALL})`,
  },
];

/** The newest rows with the tier each belongs to, in one pass (most rows fail the first test). */
const recent = (window: Window) => `recent as materialized (
    select o.id, o.created_at, o.search_vector, case
        when not (o.search_vector @@ ${SOME}) then null
        when o.search_vector @@ ${ALL_IN_TITLE} then 1
        when $13 then null
        when o.search_vector @@ ${ALL} then 2
        when ${SEVERAL_CLAUSES} then 3 end as tier
    from (
      select ${TIER_COLUMNS} from opportunity o order by o.created_at desc, o.id desc limit ${window}
    ) o where ${FILTERS}
  )`;

/** Marks around matched words in ts_headline output; user text is cleaned of them first. */
export const MARK_START = '\u0001';
export const MARK_END = '\u0002';
const HEADLINE_TEXT = (column: string) => `translate(o.${column}, E'\\u0001\\u0002', '')`;
// HighlightAll keeps the text exactly as written (fragment mode drops markup-like tokens and
// punctuation); the description snippet is cut from the runs afterwards.
const HEADLINE_OPTIONS = `HighlightAll=true, StartSel=${MARK_START}, StopSel=${MARK_END}`;

export function searchSql(direction: 'forward' | 'backward', window: Window = RECENT_WINDOW): string {
  const forward = direction === 'forward';
  const order = forward ? 'desc' : 'asc';
  return `with queries as materialized (
    select to_tsquery(${CONFIG}, $5) as all_q, to_tsquery(${CONFIG}, $6) as some_q,
      case when $7 = '' then null else to_tsquery(${CONFIG}, $7) end as excluded,
      to_tsquery(${CONFIG}, $20) as all_title_q
  ),
  clauses as materialized (
    select to_tsquery(${CONFIG}, c.any_text) as any_q, to_tsquery(${CONFIG}, c.exact_text) as exact_q,
      to_tsquery(${CONFIG}, c.title_text) as title_q, to_tsquery(${CONFIG}, c.tags_text) as tags_q
    from unnest($1::text[], $2::text[], $3::text[], $4::text[]) as c(any_text, exact_text, title_text, tags_text)
  ),
  ${recent(window)},
  window_end as (
    select o.created_at, o.id from opportunity o order by o.created_at desc, o.id desc offset ${window - 1} limit 1
  ),
  ${TIERS.map((spec, index) => tier(index + 1, spec)).join(',\n  ')},
  candidates as (
    select * from recent1 union all select * from tier1 union all select * from recent2 union all select * from tier2
    union all select * from recent3 union all select * from tier3 limit $14
  ),
  scored as (
    select c.id, c.created_at, s.score, s.typos from candidates c cross join lateral (
      select (coalesce(sum(case when not (c.search_vector @@ k.any_q) then 0 else ${SCORE.clause}
          - case when c.search_vector @@ k.exact_q then 0 else ${SCORE.typo} end
          + case when c.search_vector @@ k.title_q then ${SCORE.title}
                 when c.search_vector @@ k.tags_q then ${SCORE.tags} else 0 end end), 0))::float4 as score,
        count(*) filter (where c.search_vector @@ k.any_q and not (c.search_vector @@ k.exact_q))::int as typos
      from clauses k where numnode(k.any_q) > 0
    ) s
  ),
  page as (
    select * from scored
    where $16::float4 is null or (score, created_at, id) ${forward ? '<' : '>'} ($16::float4, $17::timestamptz, $18::uuid)
    order by score ${order}, created_at ${order}, id ${order} limit $19
  )
  select ${OPPORTUNITY_COLUMNS}, p.score as rank, p.typos,
    ts_headline(${CONFIG}, ${HEADLINE_TEXT('title')}, (select some_q from queries), '${HEADLINE_OPTIONS}') as title_marks,
    ts_headline(${CONFIG}, ${HEADLINE_TEXT('description')}, (select some_q from queries), '${HEADLINE_OPTIONS}') as description_marks
  from page p join opportunity o on o.id = p.id
  order by p.score ${order}, p.created_at ${order}, p.id ${order}`;
}

/** How many known words the word being typed may become: the shortest first (most likely). */
export const COMPLETIONS_MAX = 20;

/**
 * Vocabulary look-ups for the query's words, in one statement: whether each (accent-folded) word
 * is known; for the word being typed, the shortest known words starting with it (a range scan of
 * the vocabulary's C-collated primary key); for words that may be typos, the nearest known words
 * by trigram distance (the GiST index answers without scanning the vocabulary) that are within
 * three edits (only for unknown words: a known word is never corrected, and the nearest-neighbour
 * search is most of a look-up's cost). The exact typo rules, with transpositions, are applied by
 * the caller.
 * Parameters: $1 words, $2 complete it (as-you-type), $3 look for corrections.
 */
export const VOCABULARY_SQL = `select w.word, w.folded,
    exists (select 1 from search_vocabulary v where v.word = w.folded) as known,
    case when w.complete then array(
      select v.word from search_vocabulary v
      where v.word >= w.folded and v.word < w.folded || chr(1114111)
      order by length(v.word), v.word limit ${COMPLETIONS_MAX}
    ) else '{}' end as completions,
    case when w.correct and not exists (select 1 from search_vocabulary v where v.word = w.folded) then array(select k.word from (
      select v.word from search_vocabulary v order by v.word <-> w.folded limit 30
    ) k where levenshtein_less_equal(w.folded, k.word, 3) <= 3) else '{}' end as candidates
  from (
    select word, opportunity_fold(word) collate "C" as folded, complete, correct
    from unnest($1::text[], $2::bool[], $3::bool[]) as t(word, complete, correct)
  ) w`;
