import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { failureLog } from './failure-log.ts';
import { createLogger } from './logger.ts';

const capture = () => {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().trim().split('\n')) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { log: createLogger({ level: 'debug', destination }), lines };
};

describe('failureLog', () => {
  it('warns when a poll starts failing, once a minute while it goes on, and says when it works again', () => {
    const { log, lines } = capture();
    let clock = 0;
    const feed = failureLog(log, 'console change feed poll', { now: () => clock });
    feed.succeeded(); // nothing was failing: nothing to say
    for (let second = 0; second < 150; second++) {
      clock = second * 1000;
      feed.failed(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    }
    clock = 150_000;
    feed.succeeded();
    feed.succeeded();
    expect(lines.map((l) => [l.level, l.msg, l.failures, l.failingForMs ?? l.failedForMs])).toEqual([
      [40, 'console change feed poll failed', undefined, undefined],
      [40, 'console change feed poll still failing', 61, 60_000],
      [40, 'console change feed poll still failing', 121, 120_000],
      [30, 'console change feed poll works again', 150, 150_000],
    ]);
    expect(lines[0]!.err).toMatchObject({ message: 'connect ECONNREFUSED 127.0.0.1:5432' });
  });

  it('starts over after a recovery: the next outage is warned about at once', () => {
    const { log, lines } = capture();
    let clock = 0;
    const pump = failureLog(log, 'ticket outbox pump', { now: () => clock });
    pump.failed(new Error('first'));
    clock = 5_000;
    pump.succeeded();
    clock = 6_000;
    pump.failed(new Error('second'));
    expect(lines.map((l) => l.msg)).toEqual(['ticket outbox pump failed', 'ticket outbox pump works again', 'ticket outbox pump failed']);
    expect(lines[1]).toMatchObject({ failures: 1, failedForMs: 5_000 });
  });
});
