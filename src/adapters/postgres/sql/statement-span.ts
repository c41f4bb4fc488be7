/** Attributes of a client span: constants of the statement only, never a parameter value. */
export type SpanAttributes = Readonly<Record<string, string | number>>;

/**
 * Runs one call to PostgreSQL inside a client span when tracing is on. The OpenTelemetry adapter
 * implements it and the composition root hands it in; without it statements run as they are.
 */
export type TracedCall = <T>(name: string, attributes: SpanAttributes, call: () => Promise<T>) => Promise<T>;

/** How a statement appears in a trace: its name and attributes, worked out once per statement. */
export interface StatementSpan {
  readonly name: string;
  readonly attributes: SpanAttributes;
}

// `for update` and `do update` lock or resolve conflicts; they write no table of their own.
const WRITES = /(?<!\b(?:for|do)\s+)\b(insert\s+into|update|delete\s+from)\s+"?(\w+)"?/i;
const FIRST_TABLE = /\bfrom\s+"?(\w+)"?/i;

/**
 * The span of a statement: named by its label (what it does or reads, e.g. `opportunity_find_by_id`,
 * `search_title_forward`), with the operation and the table it writes or first reads, as the
 * database semantic conventions ask (`db.operation.name`, `db.collection.name`, `db.query.summary`).
 * The SQL text is not recorded: it is large for the search, and the name leads to it in the code.
 */
export function statementSpan(label: string, text: string): StatementSpan {
  const write = WRITES.exec(text);
  const operation = write ? ((write[1] ?? '').split(/\s+/)[0]?.toUpperCase() ?? 'SELECT') : 'SELECT';
  const table = write ? write[2] : FIRST_TABLE.exec(text)?.[1];
  return {
    name: label,
    attributes: {
      'db.system.name': 'postgresql',
      'db.operation.name': operation,
      ...(table ? { 'db.collection.name': table } : {}),
      'db.query.summary': table ? `${operation} ${table}` : operation,
    },
  };
}

/** Transaction control runs as simple statements; each gets its own span too. */
export const TRANSACTION_SPANS = {
  begin: { name: 'BEGIN', attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'BEGIN' } },
  commit: { name: 'COMMIT', attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'COMMIT' } },
  rollback: { name: 'ROLLBACK', attributes: { 'db.system.name': 'postgresql', 'db.operation.name': 'ROLLBACK' } },
} as const satisfies Record<string, StatementSpan>;
