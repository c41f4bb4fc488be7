/**
 * The field invariants of an opportunity, one function per field. The entity applies them, and
 * the HTTP adapter reuses the same functions so a request reports every invalid field at once
 * without a second copy of the rules.
 */
import { hasVisibleCharacter, type TextShape, textProblem } from './text-rules.js';

export type RuleResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

export const OPPORTUNITY_STATUSES = ['open', 'closed'] as const;
export type OpportunityStatus = (typeof OPPORTUNITY_STATUSES)[number];

export const LIMITS = {
  titleMax: 200,
  descriptionMax: 10_000,
  categoryMax: 50,
  locationMax: 200,
  tagsMax: 20,
  tagMax: 40,
} as const;

const CATEGORY_PATTERN = /^[a-z0-9-]+$/;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

const ok = <T>(value: T): RuleResult<T> => ({ ok: true, value });
const fail = <T>(message: string): RuleResult<T> => ({ ok: false, message });

/**
 * Trimmed (which also drops a leading byte-order mark), well-formed, free of control characters,
 * within the limit, and with at least one visible character: a title of zero-width spaces would
 * show as an empty row in the app.
 */
function boundedText(value: string, max: number, shape: TextShape = 'single-line'): RuleResult<string> {
  const trimmed = value.trim();
  if (trimmed.length === 0) return fail('must not be blank');
  if (trimmed.length > max) return fail(`must be at most ${max} characters`);
  const problem = textProblem(trimmed, shape);
  if (problem !== undefined) return fail(problem);
  if (!hasVisibleCharacter(trimmed)) return fail('must contain at least one visible character');
  return ok(trimmed);
}

export function checkTitle(value: string): RuleResult<string> {
  return boundedText(value, LIMITS.titleMax);
}

export function checkDescription(value: string): RuleResult<string> {
  return boundedText(value, LIMITS.descriptionMax, 'multi-line');
}

/** A user id used as a filter (`createdBy`): the same bounds the token's `user_id` has. */
export function checkUserId(value: string): RuleResult<string> {
  if (value.length === 0 || value.length > 255) return fail('must be 1 to 255 characters');
  const problem = textProblem(value, 'single-line');
  return problem === undefined ? ok(value) : fail(problem);
}

export function checkCategory(value: string): RuleResult<string> {
  if (value.length === 0 || value.length > LIMITS.categoryMax) {
    return fail(`must be 1 to ${LIMITS.categoryMax} characters`);
  }
  if (!CATEGORY_PATTERN.test(value)) return fail('must contain only lowercase letters, digits and hyphens');
  return ok(value);
}

/** Blank locations are stored as absent: an empty string carries no information. */
export function checkLocation(value: string | null): RuleResult<string | null> {
  if (value === null) return ok(null);
  if (value.trim().length === 0) return ok(null);
  return boundedText(value, LIMITS.locationMax);
}

/** Tags are trimmed and exact duplicates collapse, so clients may resend a tag harmlessly. */
export function checkTags(values: readonly string[]): RuleResult<string[]> {
  const distinct = new Set<string>();
  for (const raw of values) {
    const tag = raw.trim();
    if (tag.length === 0 || tag.length > LIMITS.tagMax) {
      return fail(`each tag must be 1 to ${LIMITS.tagMax} characters`);
    }
    const checked = boundedText(tag, LIMITS.tagMax);
    if (!checked.ok) return fail(`each tag ${checked.message}`);
    distinct.add(tag);
    // Stop early: a body of 10,000 tags is refused without looking at all of them.
    if (distinct.size > LIMITS.tagsMax) return fail(`must have at most ${LIMITS.tagsMax} distinct tags`);
  }
  return ok([...distinct]);
}

export function checkStatus(value: string): RuleResult<OpportunityStatus> {
  const status = OPPORTUNITY_STATUSES.find((candidate) => candidate === value);
  return status ? ok(status) : fail(`must be one of: ${OPPORTUNITY_STATUSES.join(', ')}`);
}

/** A point on the Earth in degrees (WGS 84, as phones report it). */
export interface Coordinates {
  readonly lat: number;
  readonly lng: number;
}

export const COORDINATE_BOUNDS = { lat: 90, lng: 180 } as const;

/** Finite degrees within ±90; the poles are real places. */
export function checkLatitude(value: number): RuleResult<number> {
  return degrees(value, COORDINATE_BOUNDS.lat);
}

/** Finite degrees within ±180; both sides of the antimeridian (−180 and 180) are kept as given. */
export function checkLongitude(value: number): RuleResult<number> {
  return degrees(value, COORDINATE_BOUNDS.lng);
}

function degrees(value: number, bound: number): RuleResult<number> {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > bound) {
    return fail(`must be a number from -${bound} to ${bound}`);
  }
  // -0 would print as 0 and compare equal: store one zero.
  return ok(value === 0 ? 0 : value);
}

/** Absent is allowed: not every opportunity has a place on a map. */
export function checkCoordinates(value: Coordinates | null): RuleResult<Coordinates | null> {
  if (value === null) return ok(null);
  const lat = checkLatitude(value.lat);
  if (!lat.ok) return fail(`lat ${lat.message}`);
  const lng = checkLongitude(value.lng);
  if (!lng.ok) return fail(`lng ${lng.message}`);
  return ok({ lat: lat.value, lng: lng.value });
}

/** A calendar date as ISO-8601 `YYYY-MM-DD`; impossible dates such as 2025-02-30 are refused. */
export function checkDeadline(value: string | null): RuleResult<string | null> {
  if (value === null) return ok(null);
  const match = DATE_PATTERN.exec(value);
  if (!match) return fail('must be an ISO-8601 date (YYYY-MM-DD)');
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const valid =
    year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return valid ? ok(value) : fail('must be a real calendar date');
}
