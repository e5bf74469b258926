/**
 * Structured JSON logs, one line each, with anything shaped like a secret masked
 * before it is written: provider keys, bearer tokens and JWTs.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SECRET_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g, // OpenAI and Anthropic (sk-ant-…) keys
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, // JWTs
];

export const redact = (text: string): string =>
  SECRET_PATTERNS.reduce((t, re) => t.replace(re, (m) => `${m.slice(0, 3)}…[redacted]`), text);

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const serialise = (value: unknown): unknown =>
  value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;

export const createLogger = (
  level: LogLevel = 'info',
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger => {
  const log = (lvl: LogLevel) => (message: string, fields: Record<string, unknown> = {}) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const entry = { level: lvl, time: new Date().toISOString(), message, ...fields };
    write(redact(JSON.stringify(entry, (_k, v: unknown) => serialise(v))));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
};
