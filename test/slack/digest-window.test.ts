import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack/index.ts';
import type { SlackSender } from '../support/fake-slack/sender.ts';
import { SLACK_USERS, type ServiceUnderTest, shown, startWithSlack, waitFor } from './harness.ts';

/**
 * The digest's *Propose rollout* through Slack: one button per maintenance window with its next
 * opening, a click proposes in that window and the approval card names it; where the policy does
 * not allow an immediate start (`approval.production.allowNow: false` here), `now` is not offered
 * and asking for it by command is refused with the reason.
 */
let fake: FakeSlack;
let sut: ServiceUnderTest;
let slack: SlackSender;

beforeAll(async () => {
  fake = await startFakeSlack({ channels: ['C0ANNOUNCE', 'C0APPROVALS', 'C0OPS'], users: SLACK_USERS });
  sut = await startWithSlack(fake, {
    inventory: `inventory:
  hosts:
    - { name: web-01, address: 127.0.0.1, os: debian, connection: local, groups: [prod-web] }
  groups:
    - { name: prod-web, members: [web-01], production: true }
approval:
  production: { voters: [role:cab], quorum: 3, rejectWins: true, allowNow: false }
`,
  });
  slack = fake.bot(`${sut.url}/slack/events`);
}, 120_000);
afterAll(async () => {
  await sut?.stop();
  await fake?.close();
});

describe('Slack: choosing the window from the digest', () => {
  it('offers each window with its next opening, no `now` under a policy that forbids it, and proposes in the window picked', async () => {
    const digest = await waitFor('the digest', () => fake.messages('C0ANNOUNCE')[0], 60_000);
    const card = shown(digest.blocks);
    expect(card.buttons).toEqual(['digest.propose~weeknights', 'digest.propose~weekend', 'digest.defer']);
    const labels = (digest.blocks as { type: string; elements?: { text: { text: string } }[] }[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements!.map((e) => e.text.text));
    expect(labels[1]).toMatch(/^Propose rollout: weekend — opens \w{3} \d{1,2} \w{3} \d{4} \d\d:00 UTC$/);

    expect((await slack.click({ user: 'U0ALICE', channel: 'C0ANNOUNCE', ts: digest.ts, actionId: 'digest.propose~weekend' })).status).toBe(200);
    const approval = await waitFor('the approval card', () => fake.messages('C0APPROVALS')[0]);
    const text = shown(approval.blocks).text;
    expect(text).toMatch(/\*When\*\nwindow weekend: next opens \w{3} \d{1,2} \w{3} \d{4} \d\d:00 UTC for 1h/);
    expect(text).not.toContain('none named');
    const change = (await sut.service.runtime.store.changes.list({ limit: 5 }))[0];
    expect(change).toMatchObject({ window: 'weekend', class: 'normal', requester: 'alice' });
  });

  it('refuses `at now` for production with the reason, and proposes nothing', async () => {
    const before = (await sut.service.runtime.store.changes.list({ limit: 50 })).length;
    const patch = (await sut.service.runtime.store.patches.list())[0]!.id;
    await slack.command({ user: 'U0ALICE', channel: 'C0OPS', text: `propose ${patch} to prod-web at now` });
    const refusal = await waitFor('the refusal', () => fake.ephemerals({ via: 'response_url', user: 'U0ALICE' }).find((e) => /immediate start/i.test(JSON.stringify(e.blocks))));
    expect(JSON.stringify(refusal.blocks)).toMatch(/An immediate start is not allowed for prod-web: policy production sets allowNow: false/);
    expect(JSON.stringify(refusal.blocks)).toMatch(/Propose it `at weeknights`/);
    expect((await sut.service.runtime.store.changes.list({ limit: 50 })).length).toBe(before);
  });
});
