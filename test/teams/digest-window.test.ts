import { describe, expect, it } from 'vitest';
import { cardWarnings, shownCard } from '../support/fake-teams/card-check.ts';
import { CHANNEL_ANNOUNCE, CHANNEL_APPROVALS, teamsForFile, USERS, waitFor } from './harness.ts';

/**
 * The digest's *Propose rollout* through Teams: an Input.ChoiceSet of the maintenance windows
 * (each with its next opening) and `now`, sent with the Action.Execute; the person picks a window
 * and the approval card names it with its next opening.
 */
const teams = teamsForFile();

type ChoiceSet = { type: string; id: string; value: string; choices: { title: string; value: string }[] };

describe('Teams: choosing the window from the digest', () => {
  it('offers the windows in an Input.ChoiceSet, and proposes in the one picked', async () => {
    const digest = await waitFor('the digest', () => teams.fake.postsIn(CHANNEL_ANNOUNCE)[0], 90_000);
    expect(cardWarnings(digest.card!)).toEqual([]);
    const input = (digest.card!.body as ChoiceSet[]).find((e) => e.type === 'Input.ChoiceSet');
    expect(input).toMatchObject({ id: 'choice.digest.propose', value: 'weeknights' });
    expect(input!.choices.map((c) => c.value)).toEqual(['weeknights', 'weekend', 'now']);
    expect(input!.choices[1]!.title).toMatch(/^weekend — opens \w{3} \d{1,2} \w{3} \d{4} \d\d:00 UTC$/);
    expect(shownCard(digest.card).verbs).toEqual(['digest.propose', 'digest.defer']);

    const answer = await teams.sender.send(teams.sender.click(USERS.alice, digest, 'digest.propose', { 'choice.digest.propose': 'weekend' }));
    expect(answer.status).toBe(200);
    const approval = await waitFor('the approval card', () => teams.fake.postsIn(CHANNEL_APPROVALS).find((p) => !p.threadRoot));
    const when = shownCard(approval.card)
      .text.split('\n')
      .find((line) => line.startsWith('When: '));
    expect(when).toMatch(/^When: window weekend: next opens \w{3} \d{1,2} \w{3} \d{4} \d\d:00 UTC for 1h$/);
  });
});
