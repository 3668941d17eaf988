import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/chat/card.ts';
import { approvalCard, decisionCard } from '../../src/chat/changes/approval-card.ts';
import { cardWhen } from '../../src/chat/changes/load-card.ts';
import { notificationCard } from '../../src/chat/changes/notify.ts';
import { patchListCard } from '../../src/chat/changes/patch-list.ts';
import { unreachedCard } from '../../src/chat/unreached-card.ts';
import type { Change } from '../../src/changes/change.ts';
import { endedNotice } from '../../src/tickets/itsm-ended.ts';
import { renderAdaptiveCard } from './adaptive-card.ts';
import { invokeBodyOf } from './invoke-response.ts';
import { hostText } from '../../src/shared/host-text.ts';

/**
 * Text people typed — a change's title, a requester's, voter's or ITSM user's name — in the cards
 * built from it, rendered as Teams renders them (Adaptive Card markdown, code marks dropped): each
 * keeps its backticks. Without hostText a pair of them is taken for patchbot's code mark and lost.
 */
const md = new MarkdownIt('default', { html: true, linkify: false });
const TITLE = 'KB5034441 to staging (`monthly`)';
const REQUESTER = 'al `ops` ice';
const VOTER = 'bo `cab` b';
const at = new Date('2024-05-01T14:02:00Z');

const change: Change = {
  id: 'CHG-7',
  class: 'emergency',
  title: TITLE,
  patches: ['KB5034441'],
  targets: ['staging'],
  window: 'now',
  requester: REQUESTER,
  policyName: 'emergency',
  policy: { eligible: ['role:oncall'], required: 1, rejectWins: false, expiresInMs: null, notify: ['role:cab'], postReview: true },
  state: 'approved',
  parentId: null,
  plan: null,
  postReview: true,
  createdAt: at,
  updatedAt: at,
  expiresAt: null,
};
const tally = { approvals: [VOTER], rejections: [], outcome: 'approved' as const };

/** Every TextBlock and fact of the rendered card, as markdown-it shows it: tags out, entities decoded. */
const inTeams = (card: Card): string => {
  const texts: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const element = value as Record<string, unknown>;
      if (element.type === 'TextBlock' && typeof element.text === 'string') texts.push(element.text);
      if (element.type === 'FactSet') for (const fact of element.facts as Array<{ title: string; value: string }>) texts.push(fact.title, fact.value);
      Object.values(element).forEach(walk);
    }
  };
  walk(renderAdaptiveCard(card));
  return texts
    .map((t) =>
      md
        .render(t)
        .replace(/<[^>]+>/g, '')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&'),
    )
    .join('\n');
};

describe('what people typed, in Teams cards', () => {
  it("the approval card: the change's title, requester, When, voter, decider and commenter", () => {
    const shown = inTeams(
      approvalCard(change, {
        hostCountsByGroup: new Map([['staging', 1]]),
        votes: [{ changeId: 'CHG-7', person: VOTER, decision: 'approve', comment: 'fine', surface: 'teams', at }],
        tally,
        tickets: [],
        decided: { outcome: 'approved', by: VOTER, at },
        when: cardWhen({ windows: {}, blackouts: [] }, change, at),
      }),
    );
    expect(shown).toContain(`CHG-7: ${TITLE}`);
    expect(shown).toContain(`Requested by\n\n${REQUESTER}`);
    expect(shown).toContain(`1 of 1 on-call approval: ${VOTER}`);
    expect(shown).toContain(`Approved by ${VOTER} at 14:02 UTC`);
    expect(shown).toContain(`${VOTER} (approve): fine`);
  });

  it('the When of an immediate start names its requester as written', () => {
    const normal = { ...change, class: 'normal' as const };
    expect(inTeams(decisionCard(normal, tally, { outcome: 'approved', by: VOTER, at }, cardWhen({ windows: {}, blackouts: [] }, normal, at)))).toContain(
      `When: Immediate start requested by ${REQUESTER}: as soon as approved`,
    );
  });

  it("the notification, the patch list, the unreached people and the ITSM's end of a ticket", () => {
    const notified = inTeams(notificationCard({ ...change, class: 'normal' }));
    expect(notified).toContain(`CHG-7 proposed by ${REQUESTER}`);
    expect(notified).toContain(`${TITLE}, immediate start requested by ${REQUESTER}.`);
    expect(inTeams(patchListCard(change, new Map()))).toContain(`— ${TITLE}`);
    expect(inTeams(unreachedCard([VOTER], 'change:CHG-7'))).toContain(`Not told directly: ${VOTER}`);
    const ended = endedNotice('CHG-7', { system: 'jira', key: 'OPS-1', url: null }, { outcome: 'cancelled', state: 'Canceled', by: 'Mallory `CAB`', at: null }, 'pending-approval');
    expect(inTeams({ title: ended.title, text: ended.text })).toContain('OPS-1 was cancelled in Jira (Canceled) by Mallory `CAB`.');
  });

  it("tells the clicker where a public answer went, its title's host text as written", () => {
    expect(invokeBodyOf({ public: { title: `CHG-7: ${hostText(TITLE)}` } }, undefined)).toMatchObject({ value: `Posted below: CHG-7: ${TITLE}` });
  });
});
