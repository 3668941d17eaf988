import { describe, expect, it } from 'vitest';
import type { TicketPhase } from '../../src/tickets/lifecycle.ts';
import { DEFAULT_STEPS, missingTransition, phaseOfStatus, phasePath, pickTransition } from './workflow.ts';

describe('Jira workflow steps', () => {
  it.each<[TicketPhase | null, TicketPhase, TicketPhase[]]>([
    [null, 'awaiting-approval', ['awaiting-approval']],
    [null, 'scheduled', ['scheduled']],
    ['awaiting-approval', 'scheduled', ['scheduled']],
    ['awaiting-approval', 'implementing', ['scheduled', 'implementing']],
    ['scheduled', 'implementing', ['implementing']],
    ['implementing', 'implementing', []],
    ['review', 'implementing', []],
    ['scheduled', 'awaiting-approval', []],
    ['implementing', 'completed', ['completed']],
    ['scheduled', 'failed', ['implementing', 'failed']],
    [null, 'completed', ['scheduled', 'implementing', 'completed']],
    ['review', 'completed', ['completed']],
    ['implementing', 'review', ['review']],
    ['scheduled', 'canceled', ['canceled']],
    ['awaiting-approval', 'declined', ['declined']],
    ['completed', 'canceled', []],
    ['canceled', 'implementing', []],
  ])('from %s to %s goes through %j', (from, to, path) => {
    expect(phasePath(from, to)).toEqual(path);
  });

  it('knows statuses by name, whatever the case', () => {
    expect(phaseOfStatus('in REVIEW', DEFAULT_STEPS)).toBe('review');
    expect(phaseOfStatus('To Do', DEFAULT_STEPS)).toBeNull();
  });

  it('picks a transition by name, else by where it leads', () => {
    const list = [
      { id: '1', name: 'Start work', to: { name: 'Implementing' } },
      { id: '2', name: 'schedule', to: { name: 'Planned' } },
    ];
    expect(pickTransition(list, DEFAULT_STEPS.scheduled)?.id).toBe('2');
    expect(pickTransition(list, DEFAULT_STEPS.implementing)?.id).toBe('1');
    expect(pickTransition(list, DEFAULT_STEPS.completed)).toBeNull();
  });

  it('lists what is available when the wanted transition is missing', () => {
    const error = missingTransition('OPS-1', 'Open', DEFAULT_STEPS.implementing, []);
    expect(error).toMatchObject({ kind: 'rejected', system: 'jira' });
    expect(error.message).toContain('available: none');
  });
});
