/**
 * A small stand-in for pino-pretty (not a dependency): turns each NDJSON line pino writes into
 * `HH:MM:SS.mmm LEVEL msg key=value …`, with an error's stack on the lines below. Meant for a
 * person at a terminal; machines get the JSON.
 */

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
// Fields every line has or that the layout already shows.
const HIDDEN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'err']);

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

const clock = (time: unknown): string => {
  const date = typeof time === 'number' || typeof time === 'string' ? new Date(time) : new Date();
  if (Number.isNaN(date.getTime())) return String(time);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
};

/** Bare when unambiguous (`host=web-1`), JSON otherwise (`note="two words"`, `data={"a":1}`). */
const formatValue = (value: unknown): string => {
  if (typeof value === 'string') return /^[^\s="\\]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
};

/** A field pino writes as a string; any other JSON value is shown as JSON rather than as [object Object]. */
const asText = (value: unknown, fallback: string): string => (value === undefined || value === null ? fallback : typeof value === 'string' ? value : JSON.stringify(value));

const formatError = (err: unknown): string => {
  if (err === null || typeof err !== 'object') return ` err=${formatValue(err)}`;
  const { type, message, stack, ...rest } = err as Record<string, unknown>;
  const extra = Object.entries(rest)
    .map(([k, v]) => ` err.${k}=${formatValue(v)}`)
    .join('');
  // The stack's first line repeats type and message; show it once, then indent the frames.
  const body = typeof stack === 'string' ? stack : `${asText(type, 'Error')}: ${asText(message, '')}`;
  return `${extra}\n${body
    .split('\n')
    .map((line) => `    ${line.trimStart()}`)
    .join('\n')}`;
};

/** Formats one pino JSON line; anything that is not a JSON object passes through untouched. */
export const formatPrettyLine = (line: string): string => {
  let record: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return line.endsWith('\n') ? line : `${line}\n`;
    record = parsed as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = typeof record.level === 'number' ? (LEVELS[record.level] ?? `L${record.level}`) : asText(record.level, 'INFO').toUpperCase();
  const fields = Object.entries(record)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== undefined)
    .map(([key, value]) => ` ${key}=${formatValue(value)}`)
    .join('');
  const msg = typeof record.msg === 'string' ? ` ${record.msg}` : '';
  const err = record.err === undefined ? '' : formatError(record.err);
  return `${clock(record.time)} ${level.padEnd(5)}${msg}${fields}${err}\n`;
};

/** A write-only stream for pino that pretty-prints into `destination`. */
export const prettyStream = (destination: NodeJS.WritableStream): { write(chunk: string): boolean } => ({
  // pino hands over exactly one complete line per write for plain streams.
  write: (chunk: string) => destination.write(formatPrettyLine(chunk.replace(/\n$/, ''))),
});
