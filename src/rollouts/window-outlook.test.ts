import { describe, expect, it } from 'vitest';
import type { Blackout, MaintenanceWindow } from '../config/schema-windows.ts';
import { changeWhen, type WindowSchedule } from './window-outlook.ts';

const HOUR = 3_600_000;
/** Monday to Friday 22:00–02:00 UTC. 2024-03-18 is a Monday. */
const weeknights: MaintenanceWindow = { cron: '0 22 * * 1-5', duration: 4 * HOUR, timezone: 'UTC' };
const freeze: Blackout = { name: 'freeze', from: '2024-03-18T00:00:00Z', to: '2024-03-20T00:00:00Z', reason: 'launch' };
const plain: WindowSchedule = { windows: { weeknights }, blackouts: [] };
const frozen: WindowSchedule = { windows: { weeknights }, blackouts: [freeze] };
const d = (text: string) => new Date(text);

describe('changeWhen: what the card says about when a change runs', () => {
  it.each<[string, WindowSchedule, { class: 'normal' | 'emergency'; window: string | null }, Date, string]>([
    ['a named window, closed', plain, { class: 'normal', window: 'weeknights' }, d('2024-03-16T12:00:00Z'), 'window weeknights: next opens Mon 18 Mar 2024 22:00 UTC for 4h'],
    ['a named window, open', plain, { class: 'normal', window: 'weeknights' }, d('2024-03-18T23:00:00Z'), 'window weeknights: open now until Tue 19 Mar 2024 02:00 UTC'],
    ['a named window behind a blackout', frozen, { class: 'normal', window: 'weeknights' }, d('2024-03-18T12:00:00Z'), 'window weeknights: next opens Wed 20 Mar 2024 00:00 UTC for 2h'],
    ['a window gone from the config', plain, { class: 'normal', window: 'weekend' }, d('2024-03-16T12:00:00Z'), 'window weekend: no longer in the config'],
    ['now, normal, no blackout', plain, { class: 'normal', window: 'now' }, d('2024-03-16T12:00:00Z'), 'Immediate start requested by alice: as soon as approved, outside blackouts'],
    [
      'now, normal, in a blackout',
      frozen,
      { class: 'normal', window: 'now' },
      d('2024-03-18T12:00:00Z'),
      'Immediate start requested by alice: blackout freeze (launch) is in force, so it starts Wed 20 Mar 2024 00:00 UTC at the earliest',
    ],
    ['now, emergency, in a blackout', frozen, { class: 'emergency', window: 'now' }, d('2024-03-18T12:00:00Z'), 'Window now (emergency): as soon as approved, over any blackout'],
    ['no window at all', { windows: {}, blackouts: [] }, { class: 'normal', window: null }, d('2024-03-16T12:00:00Z'), expect.stringMatching(/^no maintenance window is configured/)],
  ])('%s', (_case, schedule, change, now, text) => {
    const when = changeWhen(schedule, { ...change, requester: 'alice' }, now);
    expect(when).toEqual(text);
    expect(when).not.toContain('none named');
  });

  it('never calls a normal immediate start an emergency', () => {
    expect(changeWhen(frozen, { class: 'normal', window: 'now', requester: 'bob' }, d('2024-03-18T12:00:00Z'))).not.toMatch(/emergency/i);
  });
});
