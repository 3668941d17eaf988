import { describe, expect, it } from 'vitest';
import { pathBetween, STATE, stateFor, stateLabel } from './state-model.ts';

describe('ServiceNow state model', () => {
  it.each([
    ['normal', STATE.new, STATE.assess, ['-4']],
    ['normal', STATE.assess, STATE.scheduled, ['-3', '-2']],
    ['normal', STATE.new, STATE.scheduled, ['-4', '-3', '-2']],
    ['emergency', STATE.new, STATE.scheduled, ['-3', '-2']],
    ['standard', STATE.new, STATE.implement, ['-2', '-1']],
    ['normal', STATE.implement, STATE.closed, ['0', '3']],
    ['normal', STATE.implement, STATE.implement, []],
    ['normal', STATE.review, STATE.implement, []],
    ['normal', STATE.scheduled, STATE.canceled, ['4']],
    ['normal', STATE.closed, STATE.canceled, []],
    ['normal', STATE.canceled, STATE.implement, []],
    ['custom-type', STATE.new, STATE.authorize, ['-4', '-3']],
  ])('%s: %s → %s walks %j', (type, from, to, path) => {
    expect(pathBetween(type, from, to)).toEqual(path);
  });

  it('maps phases to states per type', () => {
    expect(stateFor('awaiting-approval', 'normal')).toBe(STATE.assess);
    expect(stateFor('awaiting-approval', 'emergency')).toBe(STATE.authorize);
    expect(stateFor('awaiting-approval', 'standard')).toBeNull();
    expect(stateFor('completed', 'normal')).toBe(STATE.closed);
    expect(stateFor('failed', 'emergency')).toBe(STATE.closed);
    expect(stateFor('declined', 'normal')).toBe(STATE.canceled);
  });

  it('names states as the instance shows them', () => {
    expect(stateLabel('-2')).toBe('Scheduled');
    expect(stateLabel('42')).toBe('state 42');
  });
});
