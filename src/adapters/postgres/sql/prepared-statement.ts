import { createHash } from 'node:crypto';
import type { Compilable } from 'kysely';
import { type StatementSpan, statementSpan } from './statement-span.js';

/**
 * A query shape compiled once to SQL text plus a recipe for its parameter list. Executed as a
 * named prepared statement, PostgreSQL parses and plans it once per connection, and the service
 * pays no query-building cost per request: the typed builder runs at first use only.
 */
export interface PreparedStatement<P> {
  /** Stable for the SQL text, so every connection of the pool shares it. */
  readonly name: string;
  readonly text: string;
  /** Its name and attributes in a trace (the label, never a value). */
  readonly span: StatementSpan;
  values(params: P): unknown[];
}

/** A name stable for the SQL text, so every connection of a pool shares one prepared statement. */
export function statementName(prefix: string, text: string): string {
  return `${prefix}_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
}

/** Stands for the named parameter while the query is built; typed as the value it replaces. */
export type Param<P> = <K extends keyof P & string>(key: K) => P[K];

const MARKER = '\u0000param:';
type Slot<P> =
  { readonly kind: 'param'; readonly key: keyof P } | { readonly kind: 'constant'; readonly value: unknown };

/**
 * Builds the query once with markers in place of parameter values, compiles it, and records which
 * named parameter each `$n` is. Values that are not markers (constants in the shape) stay fixed.
 * The label says what the statement does or reads; it starts the statement's name in
 * pg_prepared_statements and PostgreSQL's logs, and names its span in a trace.
 */
export function prepare<P>(build: (param: Param<P>) => Compilable, label = 'opp'): PreparedStatement<P> {
  const param = ((key: string) => `${MARKER}${key}`) as Param<P>;
  const compiled = build(param).compile();
  // The builder gives every use of a parameter its own `$n`; one `$n` per name keeps the values
  // sent per request (and the text) as small as a hand-written statement's.
  const slots: Slot<P>[] = [];
  const slotOfKey = new Map<string, number>();
  const renumbered = compiled.parameters.map((value): number => {
    if (typeof value === 'string' && value.startsWith(MARKER)) {
      const key = value.slice(MARKER.length);
      const known = slotOfKey.get(key);
      if (known !== undefined) return known;
      slots.push({ kind: 'param', key: key as keyof P });
      slotOfKey.set(key, slots.length);
      return slots.length;
    }
    slots.push({ kind: 'constant', value });
    return slots.length;
  });
  const text = renumber(compiled.sql, renumbered);
  // A marker passed where the builder expects a reference would end up in the SQL as a name.
  if (text.includes(MARKER)) throw new Error(`A parameter was used as an identifier in: ${text}`);
  return {
    name: statementName(label, text),
    text,
    span: statementSpan(label, text),
    values: (params) => {
      // A plain loop: this runs on every request.
      const values = new Array<unknown>(slots.length);
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i] as Slot<P>;
        values[i] = slot.kind === 'param' ? params[slot.key] : slot.value;
      }
      return values;
    },
  };
}

/**
 * Rewrites `$n` placeholders as `$renumbered[n - 1]`, leaving quoted literals and identifiers
 * alone; every placeholder the compiler emitted must be found exactly where it is expected.
 */
function renumber(sqlText: string, renumbered: readonly number[]): string {
  let seen = 0;
  const text = sqlText.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\d+)/g, (token, digits: string | undefined) => {
    if (digits === undefined) return token;
    const target = renumbered[Number(digits) - 1];
    if (target === undefined) throw new Error(`Unexpected placeholder ${token} in: ${sqlText}`);
    seen += 1;
    return `$${target}`;
  });
  if (seen !== renumbered.length) throw new Error(`Expected ${renumbered.length} placeholders in: ${sqlText}`);
  return text;
}

/** The statement with one request's values, as the pool runs it. */
export function bind<P>(
  statement: PreparedStatement<P>,
  params: P,
): { name: string; text: string; values: unknown[]; span: StatementSpan } {
  return { name: statement.name, text: statement.text, values: statement.values(params), span: statement.span };
}
