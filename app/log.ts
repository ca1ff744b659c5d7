/**
 * A tiny structured logger: one JSON object a line. It carries event names and opaque ids only
 * (activity ids, Entra object ids, case references); never names, message text or card data,
 * because this software handles information about children.
 */
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
/** Ids, counts and flags. Free text does not belong in a log field. */
export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Readonly<Record<string, LogValue>>;

export interface Logger {
  error(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  debug(event: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  /** Lowest level written; 'silent' writes nothing. Default 'info'. */
  readonly level?: LogLevel | 'silent';
  readonly write?: (line: string) => void;
  readonly clock?: () => Date;
}

const RANK: Record<LogLevel | 'silent', number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** Maps the configuration's pino-style levels onto ours. */
export function logLevelFrom(level: string): LogLevel | 'silent' {
  if (level === 'fatal') return 'error';
  if (level === 'trace') return 'debug';
  return level in RANK ? (level as LogLevel | 'silent') : 'info';
}

export function createLogger(options: LoggerOptions = {}, bound: LogFields = {}): Logger {
  const threshold = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const clock = options.clock ?? (() => new Date());
  const emit = (level: LogLevel) => (event: string, fields: LogFields = {}) => {
    if (RANK[level] < threshold) return;
    write(JSON.stringify({ time: clock().toISOString(), level, event, ...bound, ...fields }));
  };
  return {
    error: emit('error'),
    warn: emit('warn'),
    info: emit('info'),
    debug: emit('debug'),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/**
 * What may be logged about an error: its class and code and where it was thrown, not its
 * message, which can quote user input.
 */
export function errorFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: typeof error };
  const code = (error as { code?: unknown }).code;
  const frame = error.stack?.split('\n').find((line) => line.trim().startsWith('at '));
  return {
    error: error.name,
    ...(typeof code === 'string' || typeof code === 'number' ? { errorCode: code } : {}),
    ...(frame !== undefined ? { at: frame.trim().slice(3) } : {}),
  };
}
