import type { Pool, PoolClient } from 'pg';
import { keepsConnection, NeverSent } from './database-errors.js';

/**
 * Runs `work` on one pooled connection. A failure to obtain the connection is a NeverSent (the
 * statement can be retried anywhere). After a failure that the statement did not cause itself (a
 * reset, a shutdown, a read-only server) the connection is destroyed rather than returned: the
 * next checkout opens a new one, which reaches whichever server is the primary now. (MikroORM
 * listens for connection errors on every client it opens, so a reset is never an uncaught event.)
 */
export async function withConnection<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw new NeverSent(error);
  }
  try {
    const result = await work(client);
    client.release();
    return result;
  } catch (error) {
    client.release(keepsConnection(error) ? undefined : destroyReason(error));
    throw error;
  }
}

function destroyReason(failure: unknown): Error {
  return failure instanceof Error ? failure : new Error(String(failure));
}
