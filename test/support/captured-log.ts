import { Writable } from 'node:stream';
import { createLogger, type LoggerOptions } from '../../src/shared/logger.ts';

/** A logger whose JSON lines a test reads back (`lines`, parsed, in order). */
export const capturedLog = (level: LoggerOptions['level'] = 'debug') => {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().trim().split('\n')) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { log: createLogger({ level, destination }), lines };
};
