import pg from 'pg';

export type ServerRole = 'primary' | 'standby' | 'read-only' | 'unreachable';

/**
 * The service was pointed at a server that cannot take its writes. Raised at start, before any
 * migration or request: a standby as DATABASE_URL would otherwise fail every write with a 503.
 */
export class NotAPrimaryError extends Error {}

const ROLE_QUERY = `select pg_is_in_recovery() as standby,
  current_setting('default_transaction_read_only') = 'on' as read_only`;

/** What the server at `url` is: a writable primary, a hot standby, a primary whose sessions are read-only. */
export async function serverRole(url: string, timeoutMs: number): Promise<ServerRole> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ standby: boolean; read_only: boolean }>(ROLE_QUERY);
    const row = rows[0];
    if (row?.standby) return 'standby';
    return row?.read_only ? 'read-only' : 'primary';
  } catch {
    return 'unreachable';
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Where a URL points, without its password: host, port and database. */
export function serverName(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}

/**
 * Refuses a DATABASE_URL that reaches a standby or a read-only server. An unreachable server is
 * let through (the service answers 503 until it is back, as it does when it goes away later).
 */
export async function requireWritablePrimary(url: string, timeoutMs: number): Promise<ServerRole> {
  const role = await serverRole(url, timeoutMs);
  if (role === 'standby') {
    throw new NotAPrimaryError(
      `DATABASE_URL points at a read-only standby (${serverName(url)} is in recovery): ` +
        'set it to the primary, or to a router that sends connections to the current primary',
    );
  }
  if (role === 'read-only') {
    throw new NotAPrimaryError(
      `DATABASE_URL points at a read-only server (${serverName(url)} has default_transaction_read_only = on): ` +
        'every write would fail',
    );
  }
  return role;
}
