import type { RuleResult } from '../../domain/opportunity/opportunity-rules.js';

export const IDEMPOTENCY_KEY_MAX = 255;

// Printable ASCII (space to tilde): what a client can put in a header without any encoding.
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** The `Idempotency-Key` value: 1–255 printable ASCII characters, compared exactly. */
export function checkIdempotencyKey(value: string): RuleResult<string> {
  if (value.length === 0 || value.length > IDEMPOTENCY_KEY_MAX || !PRINTABLE_ASCII.test(value)) {
    return { ok: false, message: `must be 1 to ${IDEMPOTENCY_KEY_MAX} printable ASCII characters` };
  }
  return { ok: true, value };
}
