import { createHash } from 'node:crypto';
import type { Compilable } from 'kysely';

/**
 * A query shape compiled once to SQL text plus a recipe for its parameter list. Executed as a
 * named prepared statement, PostgreSQL parses and plans it once per connection, and the service
 * pays no query-building cost per request: the typed builder runs at first use only.
 */
export interface PreparedStatement<P> {
  /** Stable for the SQL text, so every connection of the pool shares it. */
  readonly name: string;
  readonly text: string;
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
 * The prefix names the statement in pg_prepared_statements and PostgreSQL's logs.
 */
export function prepare<P>(build: (param: Param<P>) => Compilable, prefix = 'opp'): PreparedStatement<P> {
  const param = ((key: string) => `${MARKER}${key}`) as Param<P>;
  const compiled = build(param).compile();
  const slots = compiled.parameters.map((value): Slot<P> =>
    typeof value === 'string' && value.startsWith(MARKER)
      ? { kind: 'param', key: value.slice(MARKER.length) as keyof P }
      : { kind: 'constant', value },
  );
  const text = compiled.sql;
  // A marker passed where the builder expects a reference would end up in the SQL as a name.
  if (text.includes(MARKER)) throw new Error(`A parameter was used as an identifier in: ${text}`);
  return {
    name: statementName(prefix, text),
    text,
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

/** The statement with one request's values, as the pool runs it. */
export function bind<P>(statement: PreparedStatement<P>, params: P): { name: string; text: string; values: unknown[] } {
  return { name: statement.name, text: statement.text, values: statement.values(params) };
}
