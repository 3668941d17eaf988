import { describe, expect, it } from 'vitest';
import { type Card, listOf } from '../../src/chat/card.ts';
import { MessageTooLargeError } from '../../src/chat/chat-surface.ts';
import { cardWarnings, shownCard } from '../../test/support/fake-teams/card-check.ts';
import { cardBytes, renderAdaptiveCard } from './adaptive-card.ts';

const approval: Card = {
  title: 'CHG-7: openssl to prod-web',
  text: '0 of 3 CAB approvals',
  fields: [
    { label: 'Requester', value: 'alice' },
    { label: 'Window', value: '' },
  ],
  actions: [
    { id: 'change.approve', label: 'Approve', style: 'primary', value: 'CHG-7' },
    { id: 'change.reject', label: 'Reject', style: 'danger', value: 'CHG-7' },
    { id: 'change.abort', label: 'Abort', style: 'danger', value: 'CHG-7', confirm: { title: 'Abort CHG-7?', text: 'No further host is patched.', confirm: 'Abort', deny: 'Cancel' } },
  ],
  context: 'from scans 2 h ago',
};

describe('Adaptive Card rendering', () => {
  it('renders a card as version 1.5 with Action.Execute buttons whose verbs are the action ids', () => {
    const card = renderAdaptiveCard(approval);
    expect(card.version).toBe('1.5');
    expect(cardWarnings(card)).toEqual([]);
    expect(shownCard(card)).toMatchObject({ title: approval.title, verbs: ['change.approve', 'change.reject', 'change.abort'] });
    expect(card.actions?.[0]).toMatchObject({ type: 'Action.Execute', verb: 'change.approve', data: { value: 'CHG-7' }, style: 'positive' });
    expect(JSON.stringify(card)).not.toContain('Action.Submit');
    // An empty field value would render as nothing at all in a FactSet.
    expect(shownCard(card).text).toContain('Window: —');
  });

  it('puts a confirmation in front of a button as a ShowCard whose only button is the Execute', () => {
    const abort = renderAdaptiveCard(approval).actions?.[2] as { type: string; card: { body: { text: string }[]; actions: { type: string; verb: string; title: string }[] } };
    expect(abort.type).toBe('Action.ShowCard');
    expect(abort.card.body.map((b) => b.text)).toEqual(['Abort CHG-7?', 'No further host is patched.']);
    expect(abort.card.actions).toEqual([expect.objectContaining({ type: 'Action.Execute', verb: 'change.abort', title: 'Abort' })]);
  });

  it('cuts long lists to fit Teams’ ~28 KB and says how many more there are', () => {
    const hosts = Array.from({ length: 600 }, (_, i) => `web-${String(i).padStart(3, '0')}.example.internal — openssl 3.0.19 → 3.0.22, reboot not needed`);
    const list = listOf(hosts, 599, '`pending` lists every host', 'Hosts', 1_000_000);
    const big: Card = { title: 'Missing openssl', sections: [{ heading: 'Fleet', lists: [list] }] };
    const card = renderAdaptiveCard(big);
    expect(cardBytes(card)).toBeLessThanOrEqual(28_000);
    // The code marks are dropped in Teams: no inline code in Adaptive Cards.
    const more = /\+(\d+) more — pending lists every host/.exec(shownCard(card).text);
    expect(more).not.toBeNull();
    const shownItems = shownCard(card)
      .text.split('\n')
      .filter((l) => l.startsWith('- web-')).length;
    expect(shownItems + Number(more![1])).toBe(600);
    expect(cardWarnings(card)).toEqual([]);
  });

  it('keeps an earlier "+N more" count when it cuts a list further', () => {
    const items = Array.from({ length: 400 }, (_, i) => `item ${i} ${'x'.repeat(100)}`);
    const card = renderAdaptiveCard({ title: 'Long', lists: [{ items, more: '+1,000 more — ask for fewer' }] });
    const more = /\+([\d,]+) more — ask for fewer/.exec(shownCard(card).text)!;
    const kept = shownCard(card)
      .text.split('\n')
      .filter((l) => l.startsWith('- item')).length;
    expect(Number(more[1]!.replace(/,/g, '')) + kept).toBe(1400);
  });

  it('refuses, with a specific error, a card that cannot fit even with every list cut', () => {
    const actions = Array.from({ length: 25 }, (_, i) => ({ id: `a${i}`, label: 'x'.repeat(75), style: 'default' as const, value: 'v'.repeat(2000) }));
    expect(() => renderAdaptiveCard({ title: 'Too many big buttons', actions })).toThrow(MessageTooLargeError);
  });
});
