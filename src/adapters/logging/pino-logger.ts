import pino from 'pino';

/**
 * JSON logs for machines; pretty ones in a development terminal. Authorization headers and
 * secrets never reach a log line: nothing logs request headers or bodies, and these paths are
 * redacted in case an error object carries them. JSON lines go through an asynchronous
 * stdout writer that batches lines under load instead of blocking on a write per line;
 * call `flush` before exiting. Tests pass their own `destination` to read what is written.
 */
export function createLogger(level: string, pretty: boolean, destination?: pino.DestinationStream): pino.Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'opportunities' },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'authorization', 'token', 'secret', '*.secret'],
      censor: '[redacted]',
    },
  };
  if (destination) return pino(options, destination);
  if (pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l' } } });
  }
  return pino(options, pino.destination({ dest: 1, sync: false }));
}
