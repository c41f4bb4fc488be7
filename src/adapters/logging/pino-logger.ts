import pino from 'pino';

/**
 * JSON logs for machines; pretty ones in a development terminal. Authorization headers and
 * secrets never reach a log line: nothing logs request headers or bodies, and these paths are
 * redacted in case an error object carries them.
 */
export function createLogger(level: string, pretty: boolean): pino.Logger {
  return pino({
    level,
    base: { service: 'opportunities' },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'token', 'secret', '*.secret'],
      censor: '[redacted]',
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } } : {}),
  });
}
