/**
 * What counts as acceptable text in a field. PostgreSQL cannot store U+0000 (error 22021) and a
 * UTF-16 lone surrogate cannot be encoded as UTF-8 at all (the driver would silently store U+FFFD),
 * so both are refused here, in the one place that knows what a valid text is, rather than failing
 * deep in the database.
 */

/** C0 controls, DEL and C1 controls. Single-line fields refuse all of them. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/u;
/** Multi-line fields keep tab, line feed and carriage return. */
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_EXCEPT_LAYOUT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;
/** With the `u` flag a well-formed pair is one code point and does not match: only lone halves do. */
const LONE_SURROGATE = /[\ud800-\udfff]/u;
/** Something a reader can see: a letter, digit, punctuation or symbol (emoji are symbols). */
const VISIBLE = /[\p{L}\p{N}\p{P}\p{S}]/u;

export type TextShape = 'single-line' | 'multi-line';

/** Undefined when the text is acceptable, otherwise why not. */
export function textProblem(value: string, shape: TextShape): string | undefined {
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (it contains a lone surrogate)';
  const control = shape === 'single-line' ? CONTROL : CONTROL_EXCEPT_LAYOUT;
  if (control.test(value)) {
    return shape === 'single-line'
      ? 'must not contain control characters'
      : 'must not contain control characters other than tab and line breaks';
  }
  return undefined;
}

/** True when a human would see something: zero-width, format and combining characters alone are not enough. */
export function hasVisibleCharacter(value: string): boolean {
  return VISIBLE.test(value);
}
