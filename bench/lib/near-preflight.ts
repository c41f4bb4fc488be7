import type pg from 'pg';
import type { Check } from './scenarios.js';
import { NEAR_CLASSES, PARIS } from './near-classes.js';

interface Row {
  id: string;
  title: string;
  description: string;
  tags: string[];
  createdAt: string;
  coordinates: { lat: number; lng: number } | null;
  distanceKm?: number;
}
interface Body {
  results: Row[];
  facets?: Record<string, Record<string, number>>;
  facetsExact?: boolean;
}

/** earthdistance's sphere (earth() = 6378168 m), as the service measures: an independent haversine. */
const EARTH_KM = 6378.168;
const radians = (degrees: number): number => (degrees * Math.PI) / 180;
function haversineKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const h =
    Math.sin(radians(b.lat - a.lat) / 2) ** 2 +
    Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(radians(b.lng - a.lng) / 2) ** 2;
  return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

const words = (row: Row): string => `${row.title} ${row.description} ${row.tags.join(' ')}`.toLowerCase();

/** Every result within 10 km of Paris, its `distanceKm` that of its coordinates (to 2 m, rounding included). */
function distanceProblems(rows: readonly Row[]): string[] {
  return rows.flatMap((row) => {
    if (row.coordinates === null || row.distanceKm === undefined) return [`${row.id}: no coordinates or distanceKm`];
    const expected = haversineKm(PARIS, row.coordinates);
    if (Math.abs(expected - row.distanceKm) > 0.002) return [`${row.id}: distanceKm ${row.distanceKm} ≠ ${expected}`];
    return row.distanceKm <= 10 ? [] : [`${row.id}: ${row.distanceKm} km`];
  });
}

const ordered = (values: readonly number[], direction: 1 | -1): boolean =>
  values.every((value, i) => i === 0 || (value - (values[i - 1] ?? value)) * direction >= 0);

/**
 * Before any load, one request of each class is checked in full against the database: the first
 * two against SQL's own answer (the newest and the nearest row within 10 km), the searches for
 * their words, the facets for consistent counts. Returns the checks and what was seen (reported).
 */
export async function preflight(baseUrl: string, db: pg.Client): Promise<{ checks: Check[]; seen: string[] }> {
  const checks: Check[] = [];
  const seen: string[] = [];
  const within = `latitude is not null and earth_distance(ll_to_earth(${PARIS.lat}, ${PARIS.lng}),
    ll_to_earth(latitude, longitude)) <= 10000`;
  const truth = (
    await db.query<{ n: string; newest: string | null; nearest: string | null }>(
      `select count(*) as n,
         (select id from opportunity where ${within} order by created_at desc, id desc limit 1) as newest,
         (select id from opportunity where ${within}
           order by earth_distance(ll_to_earth(${PARIS.lat}, ${PARIS.lng}), ll_to_earth(latitude, longitude)) limit 1) as nearest
       from opportunity where ${within}`,
    )
  ).rows[0];
  const inRadius = Number(truth?.n ?? 0);
  seen.push(`${inRadius} rows within 10 km of Paris (SQL)`);
  for (const nearClass of NEAR_CLASSES) {
    const response = await fetch(baseUrl + nearClass.path, { signal: AbortSignal.timeout(60_000) });
    const text = await response.text();
    const problems: string[] = [];
    if (response.status !== 200) problems.push(`status ${response.status}: ${text.slice(0, 200)}`);
    const body = response.status === 200 ? (JSON.parse(text) as Body) : { results: [] };
    const rows = body.results;
    const times = rows.map((row) => Date.parse(row.createdAt));
    switch (nearClass.name) {
      case 'near-newest':
        problems.push(...distanceProblems(rows));
        if (rows.length !== Math.min(20, inRadius)) problems.push(`${rows.length} results of ${inRadius}`);
        if (!ordered(times, -1)) problems.push('not newest first');
        if (rows[0]?.id !== truth?.newest) problems.push(`first ${rows[0]?.id}, SQL's newest ${truth?.newest}`);
        break;
      case 'near-distance':
        problems.push(...distanceProblems(rows));
        if (rows.length !== Math.min(20, inRadius)) problems.push(`${rows.length} results of ${inRadius}`);
        if (
          !ordered(
            rows.map((row) => row.distanceKm ?? Infinity),
            1,
          )
        )
          problems.push('not nearest first');
        if (rows[0]?.id !== truth?.nearest) problems.push(`first ${rows[0]?.id}, SQL's nearest ${truth?.nearest}`);
        break;
      case 'near-search':
        problems.push(...distanceProblems(rows));
        problems.push(...rows.filter((row) => !/python|mentor/.test(words(row))).map((row) => `${row.id}: no word`));
        seen.push(`(c) ${rows.length} results within 10 km for "python mentor"`);
        break;
      case 'facets-common': {
        problems.push(...rows.filter((row) => !words(row).includes('help')).map((row) => `${row.id}: no "help"`));
        const sums = ['category', 'status'].map((field) =>
          Object.values(body.facets?.[field] ?? {}).reduce((total, count) => total + count, 0),
        );
        if (typeof body.facetsExact !== 'boolean') problems.push('no facetsExact');
        if (sums[0] !== sums[1] || sums[0] === 0)
          problems.push(`category counts sum to ${sums[0]}, status to ${sums[1]}`);
        if (body.facetsExact === true && (sums[0] ?? 0) > 10_000) problems.push(`exact, yet ${sums[0]} counted`);
        if (body.facetsExact === false && (sums[0] ?? 0) < 10_000) problems.push(`approximate, yet ${sums[0]} counted`);
        seen.push(
          `(d) facets over ${sums[0]} rows, facetsExact ${String(body.facetsExact)}: ${JSON.stringify(body.facets)}`,
        );
        break;
      }
      case 'most-descriptions':
        if (rows.length !== 20) problems.push(`${rows.length} results`);
        problems.push(...rows.filter((row) => !/people|help/.test(words(row))).map((row) => `${row.id}: no word`));
        break;
    }
    checks.push({
      name: `${nearClass.label}: one answer checked in full`,
      ok: problems.length === 0,
      detail: problems.length === 0 ? `${rows.length} results` : problems.slice(0, 5).join('; '),
    });
  }
  return { checks, seen };
}
