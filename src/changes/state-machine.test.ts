import { describe, expect, it } from 'vitest';
import { ChangeState } from './change.ts';
import { assertTransition, canTransition, isTerminal, nextStates } from './state-machine.ts';
import { IllegalTransitionError } from '../shared/errors.ts';

const legal: Record<ChangeState, ChangeState[]> = {
  draft: ['pending-approval', 'cancelled'],
  'pending-approval': ['approved', 'rejected', 'expired', 'cancelled'],
  approved: ['scheduled', 'cancelled'],
  scheduled: ['running', 'cancelled'],
  running: ['paused', 'completed', 'halted', 'failed', 'cancelled'],
  paused: ['running', 'cancelled', 'halted'],
  halted: ['running', 'rolled-back', 'cancelled', 'failed'],
  // A rollback that restored every host settles an ended change as rolled-back (#19).
  completed: ['rolled-back'],
  rejected: [],
  expired: [],
  cancelled: ['rolled-back'],
  failed: ['rolled-back'],
  'rolled-back': [],
};

const states = ChangeState.options;
const pairs = states.flatMap((from) => states.map((to) => ({ from, to, ok: legal[from].includes(to) })));

describe('change state machine', () => {
  it('covers all 13 states × 13 targets', () => {
    expect(pairs).toHaveLength(169);
    expect(pairs.filter((p) => p.ok)).toHaveLength(25);
  });

  it.each(pairs.filter((p) => p.ok))('allows $from → $to', ({ from, to }) => {
    expect(canTransition(from, to)).toBe(true);
    expect(() => assertTransition('CHG-1', from, to)).not.toThrow();
  });

  it.each(pairs.filter((p) => !p.ok))('refuses $from → $to', ({ from, to }) => {
    expect(canTransition(from, to)).toBe(false);
    expect(() => assertTransition('CHG-1', from, to)).toThrow(IllegalTransitionError);
    expect(() => assertTransition('CHG-1', from, to)).toThrow(`Change CHG-1 cannot go from ${from} to ${to}.`);
  });

  it.each(states)('nextStates(%s) matches the table', (state) => {
    expect([...nextStates(state)].sort()).toEqual([...legal[state]].sort());
  });

  it.each([
    ['completed', true],
    ['rejected', true],
    ['expired', true],
    ['cancelled', true],
    ['failed', true],
    ['rolled-back', true],
    ['draft', false],
    ['pending-approval', false],
    ['approved', false],
    ['scheduled', false],
    ['running', false],
    ['paused', false],
    ['halted', false],
  ] as const)('isTerminal(%s) is %s', (state, terminal) => {
    expect(isTerminal(state)).toBe(terminal);
  });

  it('carries from and to on the error for the chat reply', () => {
    try {
      assertTransition('CHG-9', 'completed', 'running');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'illegal-transition', from: 'completed', to: 'running' });
    }
  });
});
