import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

// Paths that may carry tokens, ID numbers or phone numbers never reach a log line.
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.secret',
  '*.password',
  '*.idNumber',
  '*.phone',
  '*.phones',
  '*.mobile',
  '*.uri',
];

/** The process logger: JSON lines on stdout, secrets and PII redacted. */
export function createLogger(opts: { level: LoggerOptions['level']; name?: string }): Logger {
  return pino({
    level: opts.level ?? 'info',
    name: opts.name ?? 'qibao',
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

/** A logger that writes nothing (tests that do not look at logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
