import { describe, expect, it } from 'vitest';
import type { Change } from '../../changes/change.ts';
import { type AdvanceAction, nextAdvanceAction } from './advance-decision.ts';
import type { WindowClosed, WindowOpen } from './wave-decision.ts';

/** Advancing a change to its window: state, pause reason and window in, action out. */
const OPEN: WindowOpen = {
  may: true,
  opening: { start: new Date('2026-12-07T22:00:00Z'), end: new Date('2026-12-07T23:00:00Z') },
  closesAt: new Date('2026-12-07T23:00:00Z'),
  overriddenBlackout: null,
  text: 'open',
};
const CLOSED: WindowClosed = { may: false, reason: 'outside-window', nextOpening: null, text: 'closed' };

describe('nextAdvanceAction', () => {
  const cases: Array<[Change['state'], string | null, WindowOpen | WindowClosed, AdvanceAction]> = [
    ['scheduled', null, CLOSED, { kind: 'wait-for-window', window: CLOSED }],
    ['scheduled', null, OPEN, { kind: 'start', window: OPEN }],
    ['paused', 'window', CLOSED, { kind: 'wait-for-window', window: CLOSED }],
    ['paused', 'window', OPEN, { kind: 'start', window: OPEN }],
    ['paused', 'alice', OPEN, { kind: 'hold' }],
    ['paused', null, OPEN, { kind: 'hold' }],
    ['running', null, CLOSED, { kind: 'drive' }],
    ['running', null, OPEN, { kind: 'drive' }],
    ['halted', null, OPEN, { kind: 'none' }],
    ['completed', null, OPEN, { kind: 'none' }],
    ['pending-approval', null, OPEN, { kind: 'none' }],
  ];
  it.each(cases)('%s, paused by %s, window may start: %o', (state, pausedBy, window, expected) => {
    expect(nextAdvanceAction(state, pausedBy, window)).toEqual(expected);
  });
});
