import { readFile } from 'node:fs/promises';
import type pg from 'pg';
import wordListPath from 'word-list';
import { bulkLoad } from './bulk-load.js';

/** Twenty categories, spread uniformly. */
// prettier-ignore
export const CATEGORIES = [
  'technology', 'education', 'health', 'environment', 'arts', 'community', 'sports', 'finance', 'legal', 'media',
  'science', 'hospitality', 'logistics', 'retail', 'animals', 'elderly', 'youth', 'housing', 'food', 'events',
] as const;

/** Eight creators with simplejwt-style integer user ids; the write scenarios act as user 1. */
export const CREATORS = 8;
export const WRITER_USER_ID = 1;

// prettier-ignore
const FIELDS = [
  'python', 'javascript', 'data', 'design', 'marketing', 'gardening', 'cooking', 'music', 'art', 'photography',
  'writing', 'translation', 'finance', 'accounting', 'nursing', 'childcare', 'tutoring', 'math', 'science',
  'robotics', 'carpentry', 'plumbing', 'legal', 'research', 'fundraising', 'events', 'logistics', 'sales',
  'support', 'video', 'podcast', 'theatre', 'sports', 'coaching', 'recycling', 'climate', 'wildlife', 'health',
  'literacy', 'chess',
];
// prettier-ignore
const ROLES = [
  'mentor', 'volunteer', 'intern', 'assistant', 'coordinator', 'teacher', 'tutor', 'organizer', 'developer',
  'designer', 'analyst', 'writer', 'helper', 'guide', 'trainer', 'advisor', 'researcher', 'manager', 'editor',
  'photographer', 'driver', 'caretaker', 'ambassador', 'fellow',
];
// prettier-ignore
const AUDIENCES = [
  'teenagers', 'seniors', 'refugees', 'students', 'families', 'startups', 'nonprofits', 'schools', 'hospitals',
  'libraries', 'local shops', 'kids',
];
// prettier-ignore
const ADJECTIVES = [
  'friendly', 'patient', 'creative', 'reliable', 'curious', 'motivated', 'experienced', 'enthusiastic',
  'organised', 'detail-oriented', 'energetic', 'calm', 'bilingual', 'resourceful', 'thoughtful', 'practical',
];
// prettier-ignore
const NOUNS = [
  'workshops', 'projects', 'campaigns', 'lessons', 'reports', 'websites', 'newsletters', 'festivals', 'clinics',
  'surveys', 'archives', 'exhibitions', 'courses', 'deliveries', 'repairs', 'gardens', 'concerts', 'meetups',
  'grants', 'podcasts', 'cafés',
];
// prettier-ignore
const VERBS = [
  'plan', 'run', 'support', 'organise', 'improve', 'document', 'promote', 'evaluate', 'build', 'review', 'lead',
  'coordinate',
];
// prettier-ignore
const TEAMS = [
  'small', 'international', 'volunteer', 'outreach', 'operations', 'research', 'education', 'community', 'digital',
  'field', 'youth', 'partnership',
];
// prettier-ignore
const CITIES = [
  'Berlin', 'Lisbon', 'Nairobi', 'Toronto', 'Lyon', 'Austin', 'Kraków', 'Osaka', 'Accra', 'Bogotá', 'Dublin',
  'Porto', 'Manchester', 'Seoul', 'Melbourne', 'Tallinn', 'Montreal', 'Valencia', 'Cape Town', 'Helsinki',
];
// prettier-ignore
const CLOSINGS = [
  'No previous experience is required.', 'Training and mentoring are provided.', 'Travel costs are reimbursed.',
  'A certificate is offered at the end.', 'Flexible hours suit students and parents.',
  'Remote participation is possible for most tasks.', 'Lunch is provided on site days.',
  'You will join a welcoming and diverse group.', 'Basic English is enough to get started.',
  'References are available for future applications.', 'Weekend shifts are especially welcome.',
  'Accessibility needs are supported.',
];
// prettier-ignore
const TAGS = [
  'remote', 'part-time', 'full-time', 'weekend', 'evening', 'paid', 'unpaid', 'beginner', 'advanced', 'urgent',
  'flexible', 'online', 'onsite', 'hybrid', 'short-term', 'long-term', 'certificate', 'training', 'team', 'solo',
  'outdoor', 'indoor', 'creative', 'technical', 'social', 'leadership', 'language', 'stipend', 'travel', 'mentoring',
];

/** The search scenario's two-word query: a field and a role that also occur as a phrase in titles. */
export const SEARCH_QUERY = 'python mentor';

/**
 * A vocabulary of a real corpus's size: each description ends with two words drawn uniformly from
 * an English word list (274,000 words), so a million rows hold nearly all of them, as a million
 * texts written by people would hold hundreds of thousands of distinct words. Typo corrections and
 * completions then search a vocabulary of that size, not the few hundred words of the lists above.
 * The words of the search scenarios' classes are left out, so their match counts stay as designed.
 */
async function englishWords(): Promise<string[]> {
  const reserved = /^(sommelier|python|mentor)/;
  return (await readFile(wordListPath, 'utf8'))
    .split('\n')
    .filter((word) => /^[a-z]{2,40}$/.test(word) && !reserved.test(word));
}

const literal = (words: readonly string[]): string =>
  `array[${words.map((w) => `'${w.replaceAll("'", "''")}'`).join(',')}]`;
/** `pick(words)` is a uniformly random element, drawn per row. */
const pick = (words: readonly string[]): string => `(${literal(words)})[1 + floor(random() * ${words.length})::int]`;

function seedSql(): string {
  const tagCount = TAGS.length;
  return `
    insert into opportunity
      (id, title, description, category, location, tags, status, deadline, created_by, created_at, updated_at, version)
    select gen_random_uuid(), r.title, r.description || ' Also: ' || a.word || ' ' || b.word || '.', r.category,
      case when random() < 0.2 then null else r.city end,
      array[(${literal(TAGS)})[1 + r.t1], (${literal(TAGS)})[1 + (r.t1 + 1 + r.t2) % ${tagCount}]],
      case when random() < 0.15 then 'closed' else 'open' end,
      case when random() < 0.3 then null else date '2026-01-01' + floor(random() * 365)::int end,
      (1 + floor(random() * ${CREATORS})::int)::text,
      r.created_at, r.created_at, 1
    from (
      select
        initcap(${pick(FIELDS)}) || ' ' || ${pick(ROLES)} || ' for ' || ${pick(AUDIENCES)} as title,
        'We are looking for a ' || ${pick(ADJECTIVES)} || ' ' || ${pick(ROLES)} || ' to help with ' || ${pick(FIELDS)}
          || ' ' || ${pick(NOUNS)} || '. You will ' || ${pick(VERBS)} || ' ' || ${pick(NOUNS)} || ' with our '
          || ${pick(TEAMS)} || ' team in ' || ${pick(CITIES)} || '. ' || ${pick(CLOSINGS)}
          -- a rare word (about 60 rows per million) for the rare-word search class
          || case when random() < 0.00006 then ' A sommelier will train you.' else '' end as description,
        1 + floor(random() * $2::int)::int as e1,
        1 + floor(random() * $2::int)::int as e2,
        g,
        ${pick(CATEGORIES)} as category,
        ${pick(CITIES)} as city,
        floor(random() * ${tagCount})::int as t1,
        floor(random() * ${tagCount - 1})::int as t2,
        timestamptz '2024-01-01 00:00:00+00' + g * interval '61237 milliseconds' as created_at
      from generate_series(1, $1::int) as g
      offset 0 -- a fence: each per-row random value is computed once, even when used twice
    ) as r
    join bench_words a on a.n = r.e1
    join bench_words b on b.n = r.e2
    order by r.g -- rows in creation order, as the service would have written them`;
}

/** Fills the migrated table in one statement, through `bulkLoad` (indexes and derived tables rebuilt in bulk). */
export async function seed(client: pg.Client, rows: number): Promise<void> {
  await bulkLoad(client, async (transaction) => {
    // A numbered table of the words (an array parameter subscripted per row costs O(position)).
    const words = await englishWords();
    await transaction.query(
      'create temporary table bench_words (n int primary key, word text not null) on commit drop',
    );
    await transaction.query('insert into bench_words select n, w from unnest($1::text[]) with ordinality as u(w, n)', [
      words,
    ]);
    await transaction.query(seedSql(), [rows, words.length]);
  });
}

/** What the scenarios need from the seeded data. */
export interface Fixture {
  readonly rows: number;
  /** Random existing ids for GET /:id. */
  readonly ids: readonly string[];
  /** Ids created by WRITER_USER_ID, for PUT. */
  readonly ownedIds: readonly string[];
  readonly deep: { readonly page: number; readonly limit: number; readonly cursor: string; readonly offset: number };
  readonly search: { readonly query: string; readonly fullTextMatches: number; readonly ilikeMatches: number };
}

/**
 * The deep page starts after row 20,000 in listing order (page 1,001 at limit 20), or halfway
 * through smaller tables. The service's cursor is built from that row: base64url of
 * {"d":"n","t":<created_at ms>,"i":"<id>"}, exactly what its `next` links carry.
 */
export async function loadFixture(client: pg.Client, rows: number, searchQuery = SEARCH_QUERY): Promise<Fixture> {
  const sample = await client.query<{ id: string }>('select id from opportunity order by random() limit 5000');
  const owned = await client.query<{ id: string }>(
    'select id from opportunity where created_by = $1 order by random() limit 5000',
    [String(WRITER_USER_ID)],
  );
  const limit = 20;
  const offset = Math.max(limit, Math.min(20_000, Math.floor(rows / 2 / limit) * limit));
  const anchor = await client.query<{ id: string; created_at: Date }>(
    'select id, created_at from opportunity order by created_at desc, id desc offset $1 limit 1',
    [offset - 1],
  );
  const row = anchor.rows[0];
  if (!row) throw new Error(`The table has fewer than ${offset} rows`);
  const cursor = Buffer.from(JSON.stringify({ d: 'n', t: row.created_at.getTime(), i: row.id })).toString('base64url');
  const fullText = await client.query<{ n: string }>(
    "select count(*) as n from opportunity where search_vector @@ websearch_to_tsquery('english', $1)",
    [searchQuery],
  );
  const ilike = await client.query<{ n: string }>(
    'select count(*) as n from opportunity where title ilike $1 or description ilike $1',
    [`%${searchQuery}%`],
  );
  return {
    rows,
    ids: sample.rows.map((r) => r.id),
    ownedIds: owned.rows.map((r) => r.id),
    deep: { page: offset / limit + 1, limit, cursor, offset },
    search: {
      query: searchQuery,
      fullTextMatches: Number(fullText.rows[0]?.n ?? 0),
      ilikeMatches: Number(ilike.rows[0]?.n ?? 0),
    },
  };
}
