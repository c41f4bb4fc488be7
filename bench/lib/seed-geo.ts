import { createHash } from 'node:crypto';
import type pg from 'pg';
import { bulkLoad } from './bulk-load.js';

/**
 * The seed of `npm run bench:near` and of bench/explain-geo.ts (the one source of both): opportunities
 * with coordinates clustered as people live, 85 % around 38 cities weighted by size (normally spread
 * 2–15 km), 10 % spread over Europe, 5 % without coordinates; "people" and "help" in 80 % of
 * descriptions and in no title (the words the bounded-cost target is about). A few places test the
 * edges: Longyearbyen near the pole, Suva and Taveuni on either side of the antimeridian.
 */
// prettier-ignore
const CITIES: readonly (readonly [name: string, lat: number, lng: number, weight: number, spreadKm: number])[] = [
  ['London', 51.5074, -0.1278, 9, 14], ['Paris', 48.8566, 2.3522, 11, 12], ['Madrid', 40.4168, -3.7038, 6, 10],
  ['Berlin', 52.52, 13.405, 4, 12], ['Rome', 41.9028, 12.4964, 4, 10], ['Lisbon', 38.7223, -9.1393, 3, 9],
  ['Barcelona', 41.3874, 2.1686, 5, 8], ['Milan', 45.4642, 9.19, 4, 9], ['Munich', 48.1351, 11.582, 2, 8],
  ['Amsterdam', 52.3676, 4.9041, 2, 7], ['Brussels', 50.8503, 4.3517, 2, 7], ['Vienna', 48.2082, 16.3738, 2, 8],
  ['Warsaw', 52.2297, 21.0122, 2, 9], ['Kraków', 50.0647, 19.945, 1, 6], ['Prague', 50.0755, 14.4378, 1.5, 7],
  ['Budapest', 47.4979, 19.0402, 1.7, 8], ['Lyon', 45.764, 4.8357, 1.5, 7], ['Marseille', 43.2965, 5.3698, 1.5, 8],
  ['Hamburg', 53.5511, 9.9937, 1.8, 9], ['Oslo', 59.9139, 10.7522, 1, 7], ['Stockholm', 59.3293, 18.0686, 1.5, 8],
  ['Helsinki', 60.1699, 24.9384, 1, 7], ['Copenhagen', 55.6761, 12.5683, 1.3, 7], ['Dublin', 53.3498, -6.2603, 1.2, 7],
  ['Athens', 37.9838, 23.7275, 3, 9], ['Istanbul', 41.0082, 28.9784, 9, 15], ['Porto', 41.1579, -8.6291, 1.2, 6],
  ['Seville', 37.3891, -5.9845, 1, 6], ['Naples', 40.8518, 14.2681, 2, 8], ['Bucharest', 44.4268, 26.1025, 1.8, 8],
  ['Sofia', 42.6977, 23.3219, 1.2, 6], ['Belgrade', 44.7866, 20.4489, 1.2, 6], ['Zagreb', 45.815, 15.9819, 0.8, 5],
  ['Reykjavík', 64.1466, -21.9426, 0.2, 4], ['Tromsø', 69.6492, 18.9553, 0.1, 3], ['Longyearbyen', 78.2232, 15.6267, 0.02, 2],
  ['Suva', -18.1248, 178.4501, 0.1, 4], ['Taveuni', -16.85, -179.95, 0.02, 3],
];

/** Fifty words for titles, tags and descriptions; "python" and "mentor" are each in ~12 % of rows. */
// prettier-ignore
export const GEO_WORDS = [
  'garden', 'python', 'mentor', 'teacher', 'piano', 'nurse', 'driver', 'chef', 'volunteer', 'translator', 'designer',
  'developer', 'tutor', 'coach', 'cleaner', 'carer', 'writer', 'painter', 'photographer', 'gardener', 'assistant',
  'manager', 'analyst', 'engineer', 'baker', 'barista', 'waiter', 'guide', 'lifeguard', 'librarian', 'plumber',
  'electrician', 'mechanic', 'farmer', 'vet', 'dancer', 'singer', 'actor', 'editor', 'accountant', 'nursing',
  'childcare', 'math', 'science', 'music', 'sports', 'events', 'kitchen', 'community', 'beach',
] as const;
export const GEO_CATEGORIES = [
  'volunteering',
  'jobs',
  'music',
  'tech',
  'care',
  'events',
  'education',
  'sports',
] as const;

const text = (value: string): string => `'${value.replaceAll("'", "''")}'`;
const cityRows = CITIES.map(([name, lat, lng, weight, spread]) => `(${text(name)},${lat},${lng},${weight},${spread})`);

/** The statements after which the table holds rows 1..$1 (one parameter: the row count). */
const STATEMENTS = [
  `create temporary table geo_city (name text, lat float8, lng float8, weight float8, spread_km float8) on commit drop`,
  `insert into geo_city values ${cityRows.join(',')}`,
  // Cumulative weights: a row's uniform draw picks the first city whose share reaches it.
  `create temporary table geo_pick on commit drop as select name, lat, lng, spread_km,
     sum(weight) over (order by name) / sum(weight) over () as upto from geo_city`,
  `insert into opportunity (id, title, description, category, location, tags, status, created_by, created_at,
     updated_at, version, latitude, longitude)
   select gen_random_uuid(),
     initcap(w[1 + (g*7) % 50]) || ' ' || w[1 + (g*13) % 50] || ' ' || w[1 + (g*31) % 50],
     case when g % 10 < 8 then 'We need people to help with ' else 'Looking for someone for ' end ||
       w[1 + (g*17) % 50] || ' and ' || w[1 + (g*19) % 50] || ' near ' || c.name || '. ' ||
       case when g % 10 < 7 then 'Friendly people, flexible hours, we help you learn.' else 'Hours by arrangement.' end,
     (array[${GEO_CATEGORIES.map(text).join(',')}])[1 + (g % 97) % 8],
     case when random() < 0.85 then c.name end,
     array[w[1 + (g*23) % 50]],
     case when g % 5 = 0 then 'closed' else 'open' end,
     'user-' || (g % 5000),
     timestamptz '2026-01-01' + (g * interval '28 seconds'),
     timestamptz '2026-01-01' + (g * interval '28 seconds'),
     1,
     -- 85 % around a city (normal, its spread in km), 10 % spread over Europe, 5 % without coordinates.
     case when r < 0.95 then
       case when r < 0.85 then greatest(-90, least(90,
         c.lat + c.spread_km / 111.2 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())))
       else 36 + random() * 30 end end,
     case when r < 0.95 then
       case when r < 0.85 then ((c.lng + c.spread_km / (111.2 * cos(radians(c.lat)))
         * sqrt(-2 * ln(1 - random())) * sin(2 * pi() * random()) + 540)::numeric % 360 - 180)::float8
       else -10 + random() * 40 end end
   from (select g, random() as r, random() as pickr from generate_series(1, $1::int) g offset 0) s
   cross join (select array[${GEO_WORDS.map(text).join(',')}] as w) v
   cross join lateral (select * from geo_pick where geo_pick.upto >= s.pickr order by upto limit 1) c`,
];

/** Identifies this seed's text: a database seeded by another version is seeded again, not reused. */
export const GEO_SEED_VERSION = createHash('sha256').update(STATEMENTS.join('\n')).digest('hex').slice(0, 12);

/** Seeds `rows` opportunities into the migrated, empty table (deterministic: `bulkLoad` sets the seed). */
export async function seedGeo(client: pg.Client, rows: number): Promise<void> {
  await bulkLoad(client, async (transaction) => {
    for (const [index, statement] of STATEMENTS.entries()) {
      await transaction.query(statement, index === STATEMENTS.length - 1 ? [rows] : []);
    }
  });
}
