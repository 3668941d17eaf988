import { describePolicy } from '../../changes/approval-policy.ts';
import type { Change } from '../../changes/change.ts';
import type { Person } from '../../people/person.ts';
import { CARD_LIMITS, type Card, clip } from '../card.ts';
import { hostText } from '../../shared/host-text.ts';

/** The people a policy's `notify` names (`role:cab`, `alice`), the requester aside. */
export const notifiedPeople = (change: Change, people: readonly Person[]): string[] =>
  people.filter((p) => p.name !== change.requester && change.policy.notify.some((n) => (n.startsWith('role:') ? p.roles.includes(n.slice(5)) : n === p.name))).map((p) => p.name);

/** What a notified person gets directly: told, not asked — they cannot vote under this policy unless it says so. */
export const notificationCard = (change: Change): Card => ({
  title: clip(`${change.class === 'emergency' ? '🚨 EMERGENCY ' : ''}${change.id} proposed by ${hostText(change.requester)}`, CARD_LIMITS.titleChars),
  text: clip(
    [
      `${hostText(change.title)}, ${change.window === 'now' ? (change.class === 'emergency' ? 'to run now' : `immediate start requested by ${hostText(change.requester)}`) : change.window ? `in window ${change.window}` : 'with no window configured'}.`,
      `You are notified under the ${change.policyName} policy (${describePolicy(change.policy)}).`,
      change.postReview ? 'It is flagged for post-implementation review.' : '',
    ]
      .filter(Boolean)
      .join('\n'),
    CARD_LIMITS.sectionChars,
  ),
  context: `\`show ${change.id}\` shows its card`,
});
