import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPglite } from '../support/engines.ts';
import { seedEstate } from '../support/seed.ts';
import { Config } from '../../src/config/schema.ts';
import type { Person } from '../../src/people/person.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { Card } from '../../src/chat/card.ts';
import type { MessageRef } from '../../src/chat/chat-surface.ts';
import { dispatch, type DispatchDeps } from '../../src/chat/dispatcher.ts';
import { chatHandlers } from '../../src/chat/handlers.ts';
import type { Interaction } from '../../src/chat/interaction.ts';
import type { Reply } from '../../src/chat/reply.ts';
import { checked } from '../support/chat.ts';

const now = new Date('2024-05-01T14:02:00Z');
const config = Config.parse({ windows: { weeknights: { cron: '0 22 * * 1-5', duration: '4h' } } });
const { handlers, actions } = chatHandlers({ config });
const message: MessageRef = { surface: 'slack', channel: 'C1', id: '1714572120.000100' };

let opened: Awaited<ReturnType<typeof freshPglite>>;
let store: PatchbotStore;
let counter = 0;
const deps = (): DispatchDeps => ({ store, handlers, actions, now: () => now, newRef: () => 'ref00001' });

const personNamed = async (name: string): Promise<Person> => {
  const person = await store.people.get(name);
  if (!person) throw new Error(`no person ${name}`);
  return person;
};
const base = async (name: string | null, over: Partial<Interaction>): Promise<Interaction> => ({
  id: `i-${++counter}`,
  surface: 'slack',
  channel: 'C1',
  actor: { person: name ? await personNamed(name) : null, surfaceUserId: `U-${name ?? 'x'}`, displayName: name ?? 'Xavier' },
  kind: 'command',
  receivedAt: now,
  ...over,
});
const say = async (name: string | null, text: string) => checked(await dispatch(await base(name, { text }), deps()));
const click = async (name: string, id: 'change.approve' | 'change.reject', value: string, interactionId?: string) =>
  checked(await dispatch(await base(name, { kind: 'action', action: { id, value }, message, ...(interactionId ? { id: interactionId } : {}) }), deps()));

/** The card a reply posts to the approvals channel of every surface. */
const approvalsPost = (reply: Reply): Card | undefined => reply.broadcast?.find((post) => post.channel === 'approvals')?.card;

const proposeProduction = async (): Promise<string> => {
  const reply = await say('alice', 'propose KB5034441 to prod-web at weeknights');
  const id = reply.data?.change;
  if (typeof id !== 'string') throw new Error(`no change proposed: ${JSON.stringify(reply)}`);
  return id;
};

beforeAll(async () => {
  opened = await freshPglite();
  store = opened.store;
  await seedEstate(store);
});
afterAll(async () => opened?.store.close());

describe('change handlers', () => {
  it('proposes by text: a change awaiting approval, its card with Approve / Reject to the approvals channel', async () => {
    const reply = await say('alice', 'propose KB5034441 to prod-web at weeknights');
    expect(reply.error).toBeUndefined();
    const id = String(reply.data?.change);
    expect(await store.changes.get(id)).toMatchObject({ state: 'pending-approval', requester: 'alice', policyName: 'production', class: 'normal' });
    expect(reply.public).toBeUndefined();
    expect(reply.private).toMatchObject({ title: `${id} proposed`, text: expect.stringContaining('needs 3 of role:cab') });
    const card = approvalsPost(reply)!;
    expect(card.threadKey).toBe(`change:${id}`);
    expect(card.actions?.map((a) => [a.id, a.label, a.value])).toEqual([
      ['change.approve', 'Approve', id],
      ['change.reject', 'Reject', id],
    ]);
    expect(card.actions?.every((a) => a.confirm)).toBe(true);
    expect(card.fields).toEqual(
      expect.arrayContaining([
        { label: 'What', value: 'KB5034441' },
        { label: 'Where', value: 'prod-web (1 host)' },
        { label: 'When', value: 'window weeknights: next opens Wed 1 May 2024 22:00 UTC for 4h' },
        { label: 'Requested by', value: 'alice' },
        { label: 'Policy', value: 'production: needs 3 of role:cab, a reject decides' },
      ]),
    );
    expect(card.text).toMatch(/^0 of 3 CAB approvals/);
  });

  it('marks an emergency visibly, with window now and a confirm on its buttons', async () => {
    const reply = await say('alice', 'propose KB5034441 to staging emergency');
    const card = approvalsPost(reply);
    expect(card?.title).toMatch(/EMERGENCY/);
    expect(card?.fields).toEqual(
      expect.arrayContaining([
        { label: 'When', value: 'Window now (emergency): as soon as approved, over any blackout' },
        { label: 'Class', value: expect.stringContaining('EMERGENCY') },
      ]),
    );
    expect(card?.actions?.[0]?.confirm).toBeDefined();
    expect(reply.data).toMatchObject({ class: 'emergency', policy: 'emergency' });
  });

  it('refuses an unknown group privately, with a suggestion, and creates nothing', async () => {
    const before = (await store.changes.list()).length;
    const reply = await say('alice', 'propose KB5034441 to prod-wbe');
    expect(reply.public).toBeUndefined();
    expect(reply.private?.text).toMatch(/No group named `prod-wbe`.*`prod-web`/);
    expect(reply.error).toMatchObject({ code: 'not-found', suggestions: ['prod-web'] });
    expect((await store.changes.list()).length).toBe(before);
  });

  it('refuses a proposal from an account that is not a configured person', async () => {
    const reply = await say(null, 'propose KB5034441 to staging');
    expect(reply.public).toBeUndefined();
    expect(reply.error?.code).toBe('not-a-person');
    expect(reply.private?.text).toMatch(/Only configured people can propose changes/);
  });

  it('refuses a proposal from a viewer, and creates nothing', async () => {
    const before = (await store.changes.list()).length;
    const reply = await say('frank', 'propose KB5034441 to staging');
    expect(reply.public).toBeUndefined();
    expect(reply.error?.code).toBe('not-allowed');
    expect(reply.private?.text).toMatch(/^frank is a viewer: viewers ask questions and read answers; they cannot propose changes\./);
    expect((await store.changes.list()).length).toBe(before);
  });

  it("refuses the requester's own click privately and leaves the card alone", async () => {
    const id = await proposeProduction();
    const reply = await click('alice', 'change.approve', id);
    expect(reply.public).toBeUndefined();
    expect(reply.update).toBeUndefined();
    expect(reply.refresh).toBeUndefined();
    expect(reply.error?.code).toBe('vote-refused');
    expect(reply.private?.text).toMatch(/separation of duties/);
    expect(await store.votes.list(id)).toEqual([]);
  });

  it('updates the card on each CAB click; the third decides, locks the buttons and posts the decision', async () => {
    const id = await proposeProduction();
    const first = await click('bob', 'change.approve', id);
    expect(first.public).toBeUndefined();
    expect(first.broadcast).toBeUndefined();
    expect(first.update?.ref).toEqual(message);
    // Every posted copy of the card gets the same new tally.
    expect(first.refresh).toEqual({ threadKey: `change:${id}`, card: first.update?.card });
    expect(first.update?.card.text).toMatch(/^1 of 3 CAB approvals: bob/);
    expect(first.update?.card.actions).toHaveLength(2);
    const second = await click('carol', 'change.approve', id);
    expect(second.update?.card.text).toMatch(/^2 of 3 CAB approvals: bob, carol/);
    const third = await click('dave', 'change.approve', id);
    expect(third.update?.card.actions).toBeUndefined();
    expect(third.update?.card.text).toContain('Approved by dave at 14:02 UTC (3 of 3)');
    expect(approvalsPost(third)).toMatchObject({ title: `${id} approved`, threadKey: `change:${id}` });
    expect(approvalsPost(third)?.text).toContain('Approved by dave at 14:02 UTC (3 of 3)');
    expect((await store.changes.get(id))?.state).toBe('approved');
    // The same click delivered again is dropped; a late click is refused privately.
    const retried = await dispatch(await base('dave', { id: 'dup-1', kind: 'action', action: { id: 'change.approve', value: id }, message }), deps());
    const again = await dispatch(await base('dave', { id: 'dup-1', kind: 'action', action: { id: 'change.approve', value: id }, message }), deps());
    expect(retried.error?.code).toBe('vote-refused');
    expect(again).toEqual({ duplicate: true });
    const late = await click('erin', 'change.approve', id);
    expect(late.private?.text).toMatch(/already approved/);
    expect(late.update).toBeUndefined();
  });

  it('reaches exactly one decision when four CAB members click at once', async () => {
    const id = await proposeProduction();
    const replies = await Promise.all(['bob', 'carol', 'dave', 'erin'].map((name) => click(name, 'change.approve', id)));
    expect(replies.filter((r) => approvalsPost(r)?.title === `${id} approved`)).toHaveLength(1);
    expect(replies.filter((r) => r.update)).toHaveLength(3);
    expect(replies.filter((r) => r.error?.code === 'vote-refused')).toHaveLength(1);
    expect(await store.votes.list(id)).toHaveLength(3);
    expect((await store.changes.get(id))?.state).toBe('approved');
  });

  it('takes `reject <change> <reason>` as a text vote: the card refreshed everywhere, a private confirmation', async () => {
    const id = await proposeProduction();
    const reply = await say('bob', `reject ${id} freeze week`);
    expect(reply.error).toBeUndefined();
    expect(reply.update).toBeUndefined();
    const card = reply.refresh?.card;
    expect(reply.refresh?.threadKey).toBe(`change:${id}`);
    expect(card?.actions).toBeUndefined();
    expect(card?.text).toContain('Rejected by bob at 14:02 UTC (1 reject)');
    expect(card?.lists?.map((l) => l.heading)).toEqual(['Plan', 'Comments']);
    expect(card?.lists?.[0]?.items[0]).toBe('Rollout: 1 host in 1 wave, pilot first');
    expect(card?.lists?.[1]?.items).toEqual(['bob (reject): freeze week']);
    expect(reply.private?.title).toBe(`Your rejection of ${id} is recorded`);
    expect(approvalsPost(reply)?.title).toBe(`${id} rejected`);
    expect((await store.votes.list(id))[0]).toMatchObject({ person: 'bob', decision: 'reject', comment: 'freeze week', surface: 'slack' });
    expect((await store.changes.get(id))?.state).toBe('rejected');
  });

  it('refuses chat votes when the CAB approves in the ITSM, pointing at the ticket', async () => {
    const id = await proposeProduction();
    await store.tickets.link({ changeId: id, system: 'servicenow', key: 'CHG0030001', url: 'https://sn.example/change_request.do?sys_id=1', state: 'assess' });
    const itsm = Config.parse({
      windows: { weeknights: { cron: '0 22 * * 1-5', duration: '4h' } },
      itsm: { kind: 'servicenow', servicenow: { instanceUrl: 'https://sn.example', username: 'patchbot', password: 'secret' } },
      approval: {
        source: 'itsm',
        normal: { approvers: ['role:oncall'], required: 1 },
        production: { voters: ['role:cab'], quorum: 3 },
        emergency: { approvers: ['role:oncall'], required: 1 },
        standard: { required: 0 },
      },
    });
    const reply = checked(await dispatch(await base('bob', { kind: 'action', action: { id: 'change.approve', value: id }, message }), { ...deps(), ...chatHandlers({ config: itsm }) }));
    expect(reply.error?.code).toBe('vote-refused');
    expect(reply.private?.text).toMatch(/taken in the ITSM \(approval.source: itsm\): approve or reject it in servicenow CHG0030001/);
    expect(await store.votes.list(id)).toEqual([]);
  });

  it('shows one change, lists recent ones, and suggests ids for an unknown one', async () => {
    const id = await proposeProduction();
    const shown = await say('frank', `show ${id}`);
    expect(shown.public?.title).toContain(id);
    const list = await say('frank', 'changes');
    expect(list.public?.lists?.[0]?.items.some((l) => l.includes(id))).toBe(true);
    const unknown = await say('frank', 'show CHG-99');
    expect(unknown.error?.code).toBe('not-found');
    expect(unknown.error?.suggestions?.length).toBeGreaterThan(0);
  });

  it('answers `compliance pci` with the report headline', async () => {
    const reply = await say('frank', 'compliance pci');
    expect(reply.error).toBeUndefined();
    expect(reply.public?.title).toMatch(/PCI/);
    expect(reply.public?.text?.split('\n')[0]).toBe(reply.data?.headline);
    expect(reply.public?.text).toMatch(/of 2 hosts compliant/);
  });
});
