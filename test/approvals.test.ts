import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../src/audit/verify-chain.ts';
import { castVote } from '../src/changes/cast-vote.ts';
import { expireChanges } from '../src/changes/expire-changes.ts';
import { proposeChange } from '../src/changes/propose-change.ts';
import { NotFoundError } from '../src/shared/errors.ts';
import type { PatchbotStore } from '../src/patchbot-store.ts';
import { availableEngines, type FreshStore, openFresh } from './support/engines.ts';
import { designPolicies, seedEstate } from './support/seed.ts';

const context = { approval: designPolicies, windows: ['weeknights'] };

const auditActions = async (store: PatchbotStore, subject: string) => {
  const actions: string[] = [];
  for await (const event of store.audit.read()) if (event.subject === subject) actions.push(event.action);
  return actions;
};

describe.each(availableEngines())('approvals on %s', (engine) => {
  let opened: FreshStore;
  let store: PatchbotStore;
  beforeAll(async () => {
    opened = await openFresh(engine);
    store = opened.store;
    await seedEstate(store);
  });
  afterAll(async () => opened?.store.close());

  const proposeProduction = (now?: Date) =>
    proposeChange(store, context, { patches: ['KB5034441'], targets: ['prod-web'], window: 'weeknights', class: 'normal', requester: 'alice', ...(now ? { now } : {}) });

  it('reaches exactly one decision when the whole CAB clicks at once', async () => {
    for (let round = 0; round < 4; round++) {
      const change = await proposeProduction();
      expect(change.policyName).toBe('production');
      const results = await Promise.all(['bob', 'carol', 'dave', 'erin'].map((person) => castVote(store, { changeId: change.id, person, decision: 'approve', surface: 'slack' })));
      const counted = results.filter((r) => r.status === 'counted');
      expect(counted).toHaveLength(3);
      expect(counted.filter((r) => r.status === 'counted' && r.decided === 'approved')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'refused' && r.refusal === 'not-pending')).toHaveLength(1);
      expect((await store.changes.get(change.id))?.state).toBe('approved');
      expect(await store.votes.list(change.id)).toHaveLength(3);
      const actions = await auditActions(store, change.id);
      expect(actions.filter((a) => a === 'change.approved')).toHaveLength(1);
      expect(actions.filter((a) => a === 'vote.cast')).toHaveLength(3);
    }
    expect(await verifyChain(store.audit.read())).toMatchObject({ ok: true });
  });

  it('refuses the requester and ineligible people privately, changing nothing', async () => {
    const change = await proposeProduction();
    const before = await store.audit.head();
    const self = await castVote(store, { changeId: change.id, person: 'alice', decision: 'approve', surface: 'console' });
    expect(self).toMatchObject({ status: 'refused', refusal: 'requester' });
    const viewer = await castVote(store, { changeId: change.id, person: 'frank', decision: 'approve', surface: 'console' });
    expect(viewer).toMatchObject({ status: 'refused', refusal: 'ineligible' });
    expect(viewer.status === 'refused' && viewer.reason).toContain('role:cab');
    expect(await store.votes.list(change.id)).toEqual([]);
    expect(await store.audit.head()).toEqual(before);
    expect((await store.changes.get(change.id))?.state).toBe('pending-approval');
  });

  it('counts one vote per person, the later click replacing the earlier, and lets a reject win', async () => {
    const change = await proposeProduction();
    await castVote(store, { changeId: change.id, person: 'bob', decision: 'approve', surface: 'slack' });
    const again = await castVote(store, { changeId: change.id, person: 'bob', decision: 'approve', surface: 'teams' });
    expect(again).toMatchObject({ status: 'counted', decided: null, tally: { approvals: ['bob'] } });
    const flipped = await castVote(store, { changeId: change.id, person: 'bob', decision: 'reject', comment: 'freeze week', surface: 'slack' });
    expect(flipped).toMatchObject({ status: 'counted', decided: 'rejected', tally: { approvals: [], rejections: ['bob'] } });
    expect((await store.changes.get(change.id))?.state).toBe('rejected');
    const late = await castVote(store, { changeId: change.id, person: 'carol', decision: 'approve', surface: 'slack' });
    expect(late).toMatchObject({ status: 'refused', refusal: 'not-pending' });
  });

  it('expires an undecided change, by sweep and by a late click', async () => {
    const old = new Date(Date.now() - 49 * 3600_000);
    const swept = await proposeProduction(old);
    const clicked = await proposeProduction(old);
    const late = await castVote(store, { changeId: clicked.id, person: 'bob', decision: 'approve', surface: 'slack' });
    expect(late).toMatchObject({ status: 'refused', refusal: 'expired' });
    expect((await store.changes.get(clicked.id))?.state).toBe('expired');
    expect(await expireChanges(store)).toEqual([swept.id]);
    expect((await store.changes.get(swept.id))?.state).toBe('expired');
  });

  it('chooses the policy by class and target: on-call for staging, pre-approved standard, emergency flagged for review', async () => {
    const staging = await proposeChange(store, context, { patches: ['KB5034441'], targets: ['staging'], class: 'normal', requester: 'alice' });
    expect(staging.policyName).toBe('normal');
    expect(await castVote(store, { changeId: staging.id, person: 'olga', decision: 'approve', surface: 'console' })).toMatchObject({ decided: 'approved' });
    const standard = await proposeChange(store, context, { patches: ['KB5034441'], targets: ['prod-web'], class: 'standard', requester: 'alice' });
    expect(standard.state).toBe('approved');
    expect(await auditActions(store, standard.id)).toEqual(['change.proposed', 'change.pending-approval', 'change.approved']);
    const emergency = await proposeChange(store, context, { patches: ['KB5034441'], targets: ['prod-web'], class: 'emergency', requester: 'alice' });
    expect(emergency).toMatchObject({ policyName: 'emergency', window: 'now', postReview: true });
  });

  it('names unknown groups, patches, windows and people with suggestions, creating nothing', async () => {
    const count = (await store.changes.list()).length;
    const attempt = (over: Partial<Parameters<typeof proposeChange>[2]>) =>
      proposeChange(store, context, { patches: ['KB5034441'], targets: ['prod-web'], class: 'normal', requester: 'alice', ...over });
    await expect(attempt({ targets: ['prod-wbe'] })).rejects.toThrow(/No group named `prod-wbe`.*`prod-web`/);
    await expect(attempt({ patches: ['KB5034442'] })).rejects.toThrow(/No patch named `KB5034442`.*`KB5034441`/);
    await expect(attempt({ patches: ['rm -rf /'] })).rejects.toThrow(/not a patch id/);
    await expect(attempt({ window: 'weeknight' })).rejects.toThrow(/`weeknights`/);
    await expect(attempt({ requester: 'alcie' })).rejects.toBeInstanceOf(NotFoundError);
    expect((await store.changes.list()).length).toBe(count);
  });
});
