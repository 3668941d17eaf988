import { describe, expect, it } from 'vitest';
import type { Blackout, MaintenanceWindow } from '../config/schema-windows.ts';
import { startDecision, type StartQuery } from './start-decision.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** Monday to Friday 22:00–02:00 UTC. 2024-03-18 is a Monday. */
const weeknights: MaintenanceWindow = { cron: '0 22 * * 1-5', duration: 4 * HOUR, timezone: 'UTC' };
const freeze = (from: string, to: string): Blackout => ({ name: 'freeze', from, to, reason: 'launch' });
const d = (text: string) => new Date(text);

type Expected = { may: true; closesAt: string | null } | { may: false; reason: string; next: string | null };

const decide = (query: Partial<StartQuery> & { now: Date }) => {
  const decision = startDecision({ window: weeknights, windowName: 'weeknights', blackouts: [], ...query });
  return decision.may ? { may: true, closesAt: decision.closesAt?.toISOString() ?? null } : { may: false, reason: decision.reason, next: decision.nextOpening?.start.toISOString() ?? null };
};

describe('startDecision', () => {
  it.each<[string, Partial<StartQuery> & { now: Date }, Expected]>([
    ['inside an opening', { now: d('2024-03-18T23:00:00Z') }, { may: true, closesAt: '2024-03-19T02:00:00.000Z' }],
    ['before the opening', { now: d('2024-03-18T21:00:00Z') }, { may: false, reason: 'outside-window', next: '2024-03-18T22:00:00.000Z' }],
    ['weekend: next opening is Monday', { now: d('2024-03-16T12:00:00Z') }, { may: false, reason: 'outside-window', next: '2024-03-18T22:00:00.000Z' }],
    // End mid-wave: the next host asks at 02:00 and is refused; running hosts finish, the change pauses.
    ['end mid-wave: a minute before the end, hosts still start', { now: d('2024-03-19T01:59:00Z') }, { may: true, closesAt: '2024-03-19T02:00:00.000Z' }],
    [
      'end mid-wave: at the end no new host starts',
      { now: d('2024-03-19T02:00:00Z'), runningInOpening: d('2024-03-18T22:00:00Z') },
      { may: false, reason: 'outside-window', next: '2024-03-19T22:00:00.000Z' },
    ],
    ['paused change resumes at the next opening', { now: d('2024-03-19T22:00:20Z'), waitingSince: d('2024-03-19T02:00:30Z') }, { may: true, closesAt: '2024-03-20T02:00:00.000Z' }],
    ['scheduling latency is not lateness', { now: d('2024-03-18T22:04:00Z'), waitingSince: d('2024-03-18T10:00:00Z') }, { may: true, closesAt: '2024-03-19T02:00:00.000Z' }],
    [
      'missed: service down at the opening, no grace',
      { now: d('2024-03-18T23:00:00Z'), waitingSince: d('2024-03-18T10:00:00Z') },
      { may: false, reason: 'missed', next: '2024-03-19T22:00:00.000Z' },
    ],
    [
      'missed: window grace covers the delay',
      { window: { ...weeknights, grace: 2 * HOUR }, now: d('2024-03-18T23:00:00Z'), waitingSince: d('2024-03-18T10:00:00Z') },
      { may: true, closesAt: '2024-03-19T02:00:00.000Z' },
    ],
    [
      'missed: window grace too short',
      { window: { ...weeknights, grace: 30 * MINUTE }, now: d('2024-03-18T23:00:00Z'), waitingSince: d('2024-03-18T10:00:00Z') },
      { may: false, reason: 'missed', next: '2024-03-19T22:00:00.000Z' },
    ],
    [
      'missed: the policy grace overrides the window',
      { window: { ...weeknights, grace: 30 * MINUTE }, grace: 90 * MINUTE, now: d('2024-03-18T23:00:00Z'), waitingSince: d('2024-03-18T10:00:00Z') },
      { may: true, closesAt: '2024-03-19T02:00:00.000Z' },
    ],
    [
      'whole window passed while down: not run late',
      { now: d('2024-03-19T03:00:00Z'), waitingSince: d('2024-03-18T10:00:00Z') },
      { may: false, reason: 'outside-window', next: '2024-03-19T22:00:00.000Z' },
    ],
    ['approved inside an open window: starts now', { now: d('2024-03-19T00:31:00Z'), waitingSince: d('2024-03-19T00:30:00Z') }, { may: true, closesAt: '2024-03-19T02:00:00.000Z' }],
    [
      'restart inside the opening it was running in: carries on',
      { now: d('2024-03-19T00:30:00Z'), runningInOpening: d('2024-03-18T22:00:00Z') },
      { may: true, closesAt: '2024-03-19T02:00:00.000Z' },
    ],
    [
      'recorded running in an earlier opening: waiting since it closed',
      { now: d('2024-03-19T23:00:00Z'), runningInOpening: d('2024-03-18T22:00:00Z') },
      { may: false, reason: 'missed', next: '2024-03-20T22:00:00.000Z' },
    ],
    [
      'recorded running in an earlier opening, back on time',
      { now: d('2024-03-19T22:01:00Z'), runningInOpening: d('2024-03-18T22:00:00Z') },
      { may: true, closesAt: '2024-03-20T02:00:00.000Z' },
    ],
    // Blackouts.
    [
      'blackout in force: refused, next is the rest of the opening it ends in',
      { now: d('2024-03-18T23:00:00Z'), blackouts: [freeze('2024-03-18T00:00:00Z', '2024-03-21T00:00:00Z')] },
      { may: false, reason: 'blackout', next: '2024-03-21T00:00:00.000Z' },
    ],
    [
      'blackout in force: refused, next is the first opening after it',
      { now: d('2024-03-18T23:00:00Z'), blackouts: [freeze('2024-03-18T00:00:00Z', '2024-03-21T03:00:00Z')] },
      { may: false, reason: 'blackout', next: '2024-03-21T22:00:00.000Z' },
    ],
    [
      'blackout ends mid-opening: next is its end',
      { now: d('2024-03-18T22:30:00Z'), blackouts: [freeze('2024-03-18T12:00:00Z', '2024-03-18T23:00:00Z')] },
      { may: false, reason: 'blackout', next: '2024-03-18T23:00:00.000Z' },
    ],
    [
      'blackout ends mid-opening: the rest is on time',
      { now: d('2024-03-18T23:01:00Z'), waitingSince: d('2024-03-18T10:00:00Z'), blackouts: [freeze('2024-03-18T12:00:00Z', '2024-03-18T23:00:00Z')] },
      { may: true, closesAt: '2024-03-19T02:00:00.000Z' },
    ],
    [
      'blackout starting mid-opening shortens it',
      { now: d('2024-03-18T22:10:00Z'), blackouts: [freeze('2024-03-18T23:30:00Z', '2024-03-25T00:00:00Z')] },
      { may: true, closesAt: '2024-03-18T23:30:00.000Z' },
    ],
    [
      'a blackout that covers whole openings skips them',
      { now: d('2024-03-18T21:00:00Z'), blackouts: [freeze('2024-03-18T21:30:00Z', '2024-03-20T01:00:00Z')] },
      { may: false, reason: 'outside-window', next: '2024-03-20T01:00:00.000Z' },
    ],
    [
      'a blackout elsewhere changes nothing',
      { now: d('2024-03-18T23:00:00Z'), blackouts: [freeze('2024-12-20T00:00:00Z', '2025-01-03T00:00:00Z')] },
      { may: true, closesAt: '2024-03-19T02:00:00.000Z' },
    ],
    // Emergencies.
    ['now: always open', { window: 'now', windowName: 'now', now: d('2024-03-16T12:00:00Z') }, { may: true, closesAt: null }],
    [
      'now: an emergency overrides a blackout',
      { window: 'now', windowName: 'now', emergency: true, now: d('2024-03-18T23:00:00Z'), blackouts: [freeze('2024-03-18T00:00:00Z', '2024-03-21T00:00:00Z')] },
      { may: true, closesAt: null },
    ],
    [
      'now: a normal change waits for the blackout to end',
      { window: 'now', windowName: 'now', now: d('2024-03-18T23:00:00Z'), blackouts: [freeze('2024-03-18T00:00:00Z', '2024-03-21T00:00:00Z')] },
      { may: false, reason: 'blackout', next: '2024-03-21T00:00:00.000Z' },
    ],
  ])('%s', (_case, query, expected) => {
    expect(decide(query)).toEqual(expected);
  });

  it('calls a normal change started at now what it is: an immediate start a person asked for, not an emergency', () => {
    const decision = startDecision({ window: 'now', windowName: 'now', blackouts: [], now: d('2024-03-18T23:00:00Z'), emergency: false, requester: 'alice' });
    expect(decision).toMatchObject({ may: true, closesAt: null, overriddenBlackout: null, text: 'Immediate start requested by alice: starting immediately.' });
    expect(decision.text).not.toMatch(/emergency/i);
  });

  it('waits out a blackout for a normal change at now, naming it, and starts when the blackout (and one abutting it) ends', () => {
    const blackouts = [freeze('2024-03-18T00:00:00Z', '2024-03-19T00:00:00Z'), { name: 'audit', from: '2024-03-19T00:00:00Z', to: '2024-03-19T06:00:00Z' }];
    const decision = startDecision({ window: 'now', windowName: 'now', blackouts, now: d('2024-03-18T23:00:00Z'), requester: 'alice' });
    expect(decision).toMatchObject({
      may: false,
      reason: 'blackout',
      nextOpening: { start: d('2024-03-19T06:00:00Z') },
      text: 'Immediate start requested by alice: blackout freeze (launch) is in force (only emergencies and rollbacks start during a blackout); it starts when the blackout ends, Tue 19 Mar 2024 06:00 UTC.',
    });
    const after = startDecision({ window: 'now', windowName: 'now', blackouts, now: d('2024-03-19T06:00:00Z'), requester: 'alice' });
    expect(after).toMatchObject({ may: true, overriddenBlackout: null });
  });

  it('stops a normal change at now from starting hosts when the next blackout begins', () => {
    const decision = startDecision({
      window: 'now',
      windowName: 'now',
      blackouts: [freeze('2024-03-19T00:00:00Z', '2024-03-20T00:00:00Z')],
      now: d('2024-03-18T23:00:00Z'),
      requester: 'bob',
    });
    expect(decision).toMatchObject({
      may: true,
      closesAt: d('2024-03-19T00:00:00Z'),
      text: 'Immediate start requested by bob: starting immediately (blackout from Tue 19 Mar 2024 00:00 UTC: no new host starts then).',
    });
  });

  it('starts a rollback over a blackout (a freeze holds back changes, not their undoing), naming it', () => {
    const decision = startDecision({
      window: 'now',
      windowName: 'now',
      blackouts: [freeze('2024-03-18T00:00:00Z', '2024-03-21T00:00:00Z')],
      now: d('2024-03-18T23:00:00Z'),
      requester: 'bob',
      rollbackOf: 'CHG-7',
    });
    expect(decision).toMatchObject({ may: true, overriddenBlackout: 'freeze', text: 'Rollback of CHG-7 requested by bob: starting immediately, overriding blackout freeze (launch).' });
    expect(decision.text).not.toMatch(/emergency/i);
  });

  it('lets only an emergency override a blackout, and names the overridden blackout for the audit trail', () => {
    const decision = startDecision({
      window: 'now',
      windowName: 'now',
      blackouts: [freeze('2024-03-18T00:00:00Z', '2024-03-21T00:00:00Z')],
      now: d('2024-03-18T23:00:00Z'),
      emergency: true,
      requester: 'alice',
    });
    expect(decision).toMatchObject({ may: true, overriddenBlackout: 'freeze', text: 'Window now (emergency): starting immediately, overriding blackout freeze (launch).' });
  });

  it.each<[string, Partial<StartQuery> & { now: Date }, string]>([
    ['open', { now: d('2024-03-18T23:00:00Z') }, 'Window weeknights is open until Tue 19 Mar 2024 02:00 UTC.'],
    ['closed', { now: d('2024-03-16T12:00:00Z') }, 'Window weeknights is closed; it next opens Mon 18 Mar 2024 22:00 UTC for 4h.'],
    [
      'missed',
      { window: { ...weeknights, grace: 30 * MINUTE }, now: d('2024-03-18T23:05:00Z'), waitingSince: d('2024-03-18T10:00:00Z') },
      'Missed window weeknights: it opened Mon 18 Mar 2024 22:00 UTC, starting now would be 1h 5m late and grace is 30m; it next opens Tue 19 Mar 2024 22:00 UTC for 4h.',
    ],
    [
      'blackout',
      { now: d('2024-03-18T23:00:00Z'), blackouts: [freeze('2024-03-18T00:00:00Z', '2024-03-19T01:00:00Z')] },
      'Blackout freeze (launch) until Tue 19 Mar 2024 01:00 UTC: nothing starts in window weeknights; it next opens Tue 19 Mar 2024 01:00 UTC for 1h.',
    ],
    [
      'shortened',
      { now: d('2024-03-18T22:10:00Z'), blackouts: [freeze('2024-03-18T23:30:00Z', '2024-03-25T00:00:00Z')] },
      'Window weeknights is open until Mon 18 Mar 2024 23:30 UTC (a blackout starts then).',
    ],
    [
      'in the window zone, across DST',
      { window: { cron: '30 2 * * 0', duration: 2 * HOUR, timezone: 'Europe/Berlin' }, windowName: 'sunday', now: d('2024-03-30T12:00:00Z') },
      'Window sunday is closed; it next opens Sun 31 Mar 2024 03:00 Europe/Berlin for 2h.',
    ],
  ])('says why: %s', (_case, query, text) => {
    expect(startDecision({ window: weeknights, windowName: 'weeknights', blackouts: [], ...query }).text).toBe(text);
  });
});
