import { describe, expect, it } from 'vitest';
import { createDeliveryTracker } from './delivery-tracker.ts';

const m = (id: string, revision: number) => ({ id, revision });

describe('delivery tracker', () => {
  it('sends a revision committed late, below the cursor but inside the window', () => {
    const tracker = createDeliveryTracker(10, 5);
    expect(tracker.accept(m('a', 12))).toBe(true);
    expect(tracker.cursor()).toBe(12);
    // Revision 11 was taken first but committed after 12 was sent: the next poll from 7 finds it.
    expect(tracker.pollFrom()).toBe(7);
    expect(tracker.accept(m('b', 11))).toBe(true);
    expect(tracker.cursor()).toBe(12);
  });

  it('drops what it already sent, whichever path (push or poll) brings it again', () => {
    const tracker = createDeliveryTracker(0, 5);
    const cases: [string, number, boolean][] = [
      ['a', 1, true],
      ['a', 1, false], // the poll re-reads it
      ['a', 3, true], // an edit: same id, new revision
      ['b', 2, true],
      ['b', 2, false],
    ];
    for (const [id, revision, sent] of cases) expect(tracker.accept(m(id, revision)), `${id}@${revision}`).toBe(sent);
  });

  it('resumes at a Last-Event-ID: re-sends the window below it, nothing older', () => {
    const tracker = createDeliveryTracker(100, 10);
    expect(tracker.pollFrom()).toBe(90);
    expect(tracker.accept(m('old', 90))).toBe(false);
    expect(tracker.accept(m('late', 95))).toBe(true);
    expect(tracker.accept(m('new', 101))).toBe(true);
  });

  it('forgets what falls below the window, so a long-lived stream stays small', () => {
    const tracker = createDeliveryTracker(0, 4, 8);
    for (let r = 1; r <= 100; r++) tracker.accept(m(String(r), r));
    // Still dedupes inside the window after pruning.
    expect(tracker.accept(m('99', 99))).toBe(false);
    expect(tracker.accept(m('100', 100))).toBe(false);
    expect(tracker.pollFrom()).toBe(96);
  });
});
