import { describe, expect, it } from 'vitest';
import { failureLog } from './failure-log.ts';
import { capturedLog } from '../../test/support/captured-log.ts';

describe('failureLog', () => {
  it('warns when a poll starts failing, every five minutes while it goes on, and says when it works again and for how long it failed', () => {
    const { log, lines } = capturedLog('debug');
    let clock = Date.parse('2026-12-05T10:00:00Z');
    const start = clock;
    const feed = failureLog(log, 'console change feed poll', { now: () => clock });
    feed.succeeded(); // nothing was failing: nothing to say
    // A ten-minute outage seen by a poll every second: 600 failed attempts.
    for (let second = 0; second < 600; second++) {
      clock = start + second * 1000;
      feed.failed(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    }
    clock = start + 600_000;
    feed.succeeded();
    feed.succeeded();
    expect(lines.map((l) => [l.level, l.msg, l.since, l.failures, l.failingForMs ?? l.failedForMs])).toEqual([
      [40, 'console change feed poll failed', '2026-12-05T10:00:00.000Z', undefined, undefined],
      [40, 'console change feed poll still failing', '2026-12-05T10:00:00.000Z', 301, 300_000],
      [30, 'console change feed poll works again', '2026-12-05T10:00:00.000Z', 600, 600_000],
    ]);
    expect(lines[0]!.err).toMatchObject({ message: 'connect ECONNREFUSED 127.0.0.1:5432' });
  });

  it('starts over after a recovery: the next outage is warned about at once', () => {
    const { log, lines } = capturedLog('debug');
    let clock = 0;
    const pump = failureLog(log, 'ticket outbox pump', { now: () => clock });
    pump.failed(new Error('first'));
    clock = 5_000;
    pump.succeeded();
    clock = 6_000;
    pump.failed(new Error('second'));
    expect(lines.map((l) => l.msg)).toEqual(['ticket outbox pump failed', 'ticket outbox pump works again', 'ticket outbox pump failed']);
    expect(lines[1]).toMatchObject({ failures: 1, failedForMs: 5_000 });
    expect(lines[2]!.err).toMatchObject({ message: 'second' });
  });

  it('puts the failing attempt’s context on its line, at the level asked for', () => {
    const { log, lines } = capturedLog('debug');
    const chat = failureLog(log, 'chat delivery to slack', { level: 'error', now: () => 0 });
    chat.failed(new Error('slack is down'), { what: 'broadcast' });
    chat.failed(new Error('slack is down'), { what: 'reply' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 50, msg: 'chat delivery to slack failed', what: 'broadcast', err: { message: 'slack is down' } });
  });
});
