import type { Logger } from '../../src/adapters/logging/logger.port.js';

export interface LogLine {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly message: string | undefined;
}

/** A Logger that keeps every line, so tests can assert what was (and was not) logged. */
export class RecordingLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug = this.at('debug');
  info = this.at('info');
  warn = this.at('warn');
  error = this.at('error');

  private at(level: string) {
    return (fieldsOrMessage: object | string, message?: string): void => {
      if (typeof fieldsOrMessage === 'string') {
        this.lines.push({ level, fields: {}, message: fieldsOrMessage });
      } else {
        this.lines.push({ level, fields: { ...fieldsOrMessage } as Record<string, unknown>, message });
      }
    };
  }

  /** Everything logged, serialised, to search for material that must never appear. */
  text(): string {
    return this.lines
      .map((line) => JSON.stringify(line, (_key, value: unknown) => (value instanceof Error ? String(value) : value)))
      .join('\n');
  }
}
