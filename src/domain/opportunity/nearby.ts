/**
 * "Near me": a point, a radius, and what distance means. Distances are great-circle distances on
 * a sphere of radius 6378.168 km, the radius PostgreSQL's earthdistance uses, so every adapter
 * answers the same numbers (within 0.3 % of the ellipsoid's, well below what a radius needs).
 */
import type { Coordinates, RuleResult } from './opportunity-rules.js';

export const EARTH_RADIUS_KM = 6378.168;

export const NEARBY_RADIUS_KM = { default: 25, max: 500 } as const;

/** How a nearby listing is ordered: newest first (as every listing) or nearest first. */
export const NEARBY_ORDERS = ['newest', 'distance'] as const;
export type NearbyOrder = (typeof NEARBY_ORDERS)[number];

/**
 * A point written as text, `lat,lng` in decimal degrees (as map apps share them): the ranges are
 * part of the pattern (lat within ±90, lng within ±180), so a contract can state them too.
 */
export const POINT_TEXT_PATTERN =
  '^(-?(?:90(?:\\.0+)?|[1-8]?\\d(?:\\.\\d+)?)), ?(-?(?:180(?:\\.0+)?|(?:1[0-7]\\d|[1-9]?\\d)(?:\\.\\d+)?))$';

export interface NearQuery {
  readonly point: Coordinates;
  /** Only opportunities within this great-circle distance (inclusive). */
  readonly radiusKm: number;
}

/** Above zero, at most 500 km: wider than a region is not "near", and costs a scan of it. */
export function checkRadiusKm(value: number): RuleResult<number> {
  return Number.isFinite(value) && value > 0 && value <= NEARBY_RADIUS_KM.max
    ? { ok: true, value }
    : { ok: false, message: `must be a number above 0 and at most ${NEARBY_RADIUS_KM.max}` };
}

/** Reads `lat,lng`; the message names what is wrong. */
export function parsePoint(text: string): RuleResult<Coordinates> {
  const match = new RegExp(POINT_TEXT_PATTERN).exec(text);
  if (!match) {
    return { ok: false, message: 'must be "lat,lng" in decimal degrees, lat from -90 to 90 and lng from -180 to 180' };
  }
  const lat = Number(match[1]);
  const lng = Number(match[2]);
  return { ok: true, value: { lat: lat === 0 ? 0 : lat, lng: lng === 0 ? 0 : lng } };
}

/** The point on the sphere, in kilometres from its centre (as earthdistance's ll_to_earth, in metres). */
function onSphere({ lat, lng }: Coordinates): [number, number, number] {
  const φ = (lat * Math.PI) / 180;
  const λ = (lng * Math.PI) / 180;
  return [
    EARTH_RADIUS_KM * Math.cos(φ) * Math.cos(λ),
    EARTH_RADIUS_KM * Math.cos(φ) * Math.sin(λ),
    EARTH_RADIUS_KM * Math.sin(φ),
  ];
}

/**
 * The straight line through the Earth between two points, in km. It grows with the great-circle
 * distance, so it orders "nearest first" as well, and it is what a spatial index measures.
 */
export function chordKm(a: Coordinates, b: Coordinates): number {
  const [ax, ay, az] = onSphere(a);
  const [bx, by, bz] = onSphere(b);
  return Math.hypot(ax - bx, ay - by, az - bz);
}

/** The great-circle distance for a chord: 2R·asin(c / 2R). */
export function greatCircleKmOfChord(chord: number): number {
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, chord / (2 * EARTH_RADIUS_KM)));
}

export function greatCircleKm(a: Coordinates, b: Coordinates): number {
  return greatCircleKmOfChord(chordKm(a, b));
}
