import { describe, expect, it } from 'vitest';
import { capturedLog } from '../../test/support/captured-log.ts';
import { itsmFailureKind, itsmOutageLog } from './itsm-outage-log.ts';

describe('itsmOutageLog', () => {
  const down = new Error('connect ECONNREFUSED 127.0.0.1:443');

  it('says an outage once for every ticket and attempt, and once when the ITSM answers again', () => {
    const { log, lines } = capturedLog('debug');
    let clock = Date.parse('2026-12-05T14:00:00Z');
    const outage = itsmOutageLog(log, 'ServiceNow', { now: () => clock });
    // 40 tickets, each retried 5 times within a minute.
    for (let attempt = 0; attempt < 5; attempt++) for (let ticket = 1; ticket <= 40; ticket++) outage.failed('retryable', down, new Date(clock), { ticketOf: `CHG-${ticket}` });
    clock += 60_000;
    outage.answered();
    expect(lines.map((l) => [l.level, l.msg, l.ticketOf ?? l.failures])).toEqual([
      [40, 'ticket updates to ServiceNow failed', 'CHG-1'],
      [30, 'ticket updates to ServiceNow works again', 200],
    ]);
  });

  it('takes no attempt sent before the ITSM answered for a new outage', () => {
    const { log, lines } = capturedLog('debug');
    let clock = 1_000;
    const outage = itsmOutageLog(log, 'Jira', { now: () => clock });
    outage.failed('retryable', down, new Date(clock));
    const inFlight = new Date(clock + 10);
    clock = 2_000;
    outage.answered();
    // Sent while Jira was down, failed after it answered another ticket: nothing new.
    outage.failed('retryable', down, inFlight);
    expect(lines.map((l) => l.msg)).toEqual(['ticket updates to Jira failed', 'ticket updates to Jira works again']);
    // Sent after: a new outage, said at once.
    outage.failed('retryable', down, new Date(clock + 1));
    expect(lines.at(-1)).toMatchObject({ level: 40, msg: 'ticket updates to Jira failed' });
  });

  it('says refused credentials at error level, apart from an outage', () => {
    const { log, lines } = capturedLog('debug');
    const outage = itsmOutageLog(log, 'Jira', { now: () => 0 });
    outage.failed('auth', new Error('Jira answered 401'), new Date(0));
    outage.failed('auth', new Error('Jira answered 401'), new Date(0));
    outage.failed(null, new Error('a bug of ours'), new Date(0));
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [50, 'ticket updates to Jira (credentials refused) failed'],
      [50, 'ticket updates to Jira (unexpected error) failed'],
    ]);
  });

  it('takes a 429 for no outage: it neither begins nor ends one, and is said once per five minutes', async () => {
    const { TicketingError } = await import('./ticketing-error.ts');
    const limited = new TicketingError('retryable', 'jira', 'opening the ticket: Jira answered 429: Rate limit exceeded.', { status: 429, retryAfterMs: 5_000 });
    const { log, lines } = capturedLog('debug');
    let clock = 0;
    const outage = itsmOutageLog(log, 'Jira', { now: () => clock });
    // 429s between updates that work: no "failed", no "works again".
    for (let i = 0; i < 10; i++) {
      outage.failed(itsmFailureKind(limited), limited, new Date(clock), { ticketOf: `OPS-${i}` });
      clock += 1_000;
      outage.answered();
    }
    expect(lines.map((l) => [l.level, l.msg, l.rateLimited, l.retryAfterMs])).toEqual([[40, 'ticket updates to Jira rate limited', 1, 5_000]]);
    // During a real outage a 429 does not end it; the next line on the rate limit comes five minutes after the last.
    outage.failed('retryable', down, new Date(clock));
    clock = 300_000;
    outage.failed(itsmFailureKind(limited), limited, new Date(clock));
    expect(lines.slice(1).map((l) => [l.msg, l.rateLimited])).toEqual([
      ['ticket updates to Jira failed', undefined],
      ['ticket updates to Jira rate limited', 10],
    ]);
    clock += 1_000;
    outage.answered();
    expect(lines.at(-1)).toMatchObject({ msg: 'ticket updates to Jira works again', failures: 1 });
  });
});
