import { describe, expect, it } from 'vitest';
import { failureLog, sharedFailureLog } from './failure-log.ts';
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

describe('sharedFailureLog', () => {
  const QUEUES = ['rollout.advance', 'rollout.host-run', 'scan.host', 'schedule.rollouts'];

  it('says once that the loops fail, reminds with every one still failing, and says once that the last one works again', () => {
    const { log, lines } = capturedLog('debug');
    let clock = Date.parse('2026-12-05T10:00:00Z');
    const start = clock;
    const polls = sharedFailureLog(log, 'job polling', 'queues', { now: () => clock });
    polls.succeeded('scan.host'); // nothing was failing: nothing to say
    // A ten-minute outage seen by four queues polling every second.
    for (let second = 0; second < 600; second++) {
      clock = start + second * 1000;
      for (const queue of QUEUES) polls.failed(queue, new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    }
    // Back: the queues notice one after the other; only the last one ends the failure.
    clock = start + 600_000;
    for (const queue of QUEUES) polls.succeeded(queue);
    expect(lines.map((l) => [l.level, l.msg, l.queues, l.failures, l.failingForMs ?? l.failedForMs])).toEqual([
      [40, 'job polling failed', ['rollout.advance'], undefined, undefined],
      [40, 'job polling still failing', QUEUES, 1201, 300_000],
      [30, 'job polling works again', QUEUES, 2400, 600_000],
    ]);
    expect(lines[2]).toMatchObject({ since: '2026-12-05T10:00:00.000Z' });
  });

  it('stays one failure while one loop keeps failing and the others work', () => {
    const { log, lines } = capturedLog('debug');
    let clock = 0;
    const polls = sharedFailureLog(log, 'job polling', 'queues', { now: () => clock });
    for (let second = 0; second < 60; second++) {
      clock = second * 1000;
      polls.succeeded('scan.host');
      polls.failed('rollout.advance', new Error('permission denied for table job'));
      polls.succeeded('schedule.rollouts');
    }
    expect(lines.map((l) => l.msg)).toEqual(['job polling failed']);
    clock = 61_000;
    polls.succeeded('rollout.advance');
    expect(lines.map((l) => [l.msg, l.queues])).toEqual([
      ['job polling failed', ['rollout.advance']],
      ['job polling works again', ['rollout.advance']],
    ]);
    expect(lines[1]).toMatchObject({ failures: 60, failedForMs: 61_000 });
  });
});
