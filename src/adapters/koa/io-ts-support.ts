import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import type { FieldIssue } from '../../domain/domain-errors.js';
import type { RuleResult } from '../../domain/opportunity/opportunity-rules.js';

/** An io-ts codec that checks the wire type, then applies a domain rule (so rules live once). */
export function ruled<I, A>(
  base: t.Type<I, unknown, unknown>,
  rule: (input: I) => RuleResult<A>,
): t.Type<A, unknown, unknown> {
  return new t.Type<A, unknown, unknown>(
    base.name,
    (u): u is A => base.is(u) && rule(u).ok,
    (u, c) => {
      const decoded = base.validate(u, c);
      if (isLeft(decoded)) return decoded;
      const result = rule(decoded.right);
      return result.ok ? t.success(result.value) : t.failure(u, c, result.message);
    },
    (a) => a,
  );
}

/** Decodes or returns every problem at once, as field/message pairs. */
export function decodeAll<A>(
  codec: t.Type<A, unknown, unknown>,
  input: unknown,
  rootField = 'body',
): { ok: true; value: A } | { ok: false; issues: FieldIssue[] } {
  const result = codec.decode(input);
  if (!isLeft(result)) return { ok: true, value: result.right };
  const issues = new Map<string, string>();
  for (const error of result.left) {
    const field = fieldOf(error) || rootField;
    if (issues.has(field)) continue;
    issues.set(field, error.message ?? describe(error));
  }
  return { ok: false, issues: [...issues].map(([field, message]) => ({ field, message })) };
}

/** The path of object keys, skipping io-ts's intersection/union indices. */
function fieldOf(error: t.ValidationError): string {
  return error.context
    .slice(1)
    .filter((entry) => entry.key !== '' && !/^\d+$/.test(entry.key))
    .map((entry) => entry.key)
    .join('.');
}

function describe(error: t.ValidationError): string {
  const last = error.context[error.context.length - 1];
  if (error.value === undefined) return 'is required';
  return `must be ${last?.type.name ?? 'valid'}`;
}
