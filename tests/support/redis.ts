import { connect } from 'node:net';

export const REDIS_MISSING = 'Redis does not answer at 127.0.0.1:6379 (.ci/run starts it when it is installed)';

/** Whether the machine's Redis answers on 127.0.0.1:6379 (tests that need it skip loudly otherwise). */
export function redisAnswers(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(6379, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => resolve(false));
  });
}
