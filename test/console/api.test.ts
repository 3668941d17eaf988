import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConsoleService, startConsoleService } from './support/console-service.ts';
import { call } from './support/http.ts';
import { runningProgress } from '../support/rollout-progress.ts';

/**
 * The console's JSON API against the real service: the composition root's platform, an embedded
 * store and the one HTTP server on loopback. One service for the file; each test proposes its own
 * change so they do not depend on each other's order.
 */
let svc: ConsoleService;
beforeAll(async () => {
  svc = await startConsoleService();
});
afterAll(async () => svc?.stop());

const get = (path: string) => call(svc.url, 'GET', path);
const post = (path: string, body: unknown) => call(svc.url, 'POST', path, body);
const read = async (channel: string, as: string) => (await get(`/channels/${encodeURIComponent(channel)}/messages?as=${as}`)).body.messages as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Proposes KB5034441 to prod-web as alice; returns the change id and its approval card's message. */
const propose = async () => {
  const answer = await post('/messages', { channel: 'approvals', as: 'alice', text: '/patch propose KB5034441 to prod-web' });
  expect(answer.body).toMatchObject({ ok: true, intent: 'propose' });
  const change = answer.body.data.change as string;
  const card = (await read('approvals', 'alice')).find((m) => m.card?.title.startsWith(`${change}:`));
  expect(card).toBeDefined();
  return { change, card: card! };
};

describe('console API: people and channels', () => {
  it('lists the configured people with their roles, for the person picker', async () => {
    const { status, body } = await get('/people');
    expect(status).toBe(200);
    expect(body.people).toEqual(
      expect.arrayContaining([
        { name: 'alice', roles: ['oncall', 'admin'] },
        { name: 'bob', roles: ['cab'] },
        { name: 'erin', roles: ['viewer'] },
      ]),
    );
  });

  it("lists a person's channels: announce, approvals and their own DM with patchbot", async () => {
    const { body } = await get('/channels?as=bob');
    expect(body.channels.map((c: { name: string }) => c.name)).toEqual(['announce', 'approvals', 'dm:bob']);
  });

  it('answers an unknown person with 400 and the closest names, and an unknown channel with 404', async () => {
    const unknown = await get('/channels?as=alcie');
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ suggestions: ['alice'] });
    expect(unknown.body.error).toMatch(/no person named "alcie".*did you mean alice/);
    expect((await get('/channels')).status).toBe(400);
    const nowhere = await get('/channels/general/messages?as=bob');
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.error).toMatch(/no channel "general" for bob; channels: announce, approvals, dm:bob/);
    // Someone else's DM does not exist, as far as bob can tell.
    expect((await get('/channels/dm%3Aalice/messages?as=bob')).status).toBe(404);
    expect((await get('/nothing-here')).status).toBe(404);
    expect((await call(svc.url, 'POST', '/people', {})).status).toBe(405);
  });
});

describe('console API: messages', () => {
  it('records the typed question, answers it in the DM, and shows neither to anyone else', async () => {
    const answer = await post('/messages', { channel: 'dm:carol', as: 'carol', text: 'which servers are missing KB5034441?' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: true, intent: 'missing' });
    const dm = await read('dm:carol', 'carol');
    const typed = dm.find((m) => m.id === answer.body.message);
    expect(typed).toMatchObject({ author: 'carol', text: 'which servers are missing KB5034441?', card: null, private: false });
    const reply = dm.find((m) => m.author === 'patchbot' && Number(m.id) > Number(typed!.id));
    expect(JSON.stringify(reply?.card)).toMatch(/web-01/);
    expect(JSON.stringify(reply?.card)).toMatch(/stg-01/);
    expect(JSON.stringify(reply?.card)).not.toMatch(/web-02/);
    const everyone = await get('/channels/approvals/messages?as=dave');
    expect(JSON.stringify(everyone.body)).not.toContain('which servers are missing');
  });

  it('treats `/patch …` as a command and answers a bad one privately with the grammar complaint', async () => {
    const answer = await post('/messages', { channel: 'announce', as: 'bob', text: '/patch propose KB5034441 to prod-wbe' });
    expect(answer.body.ok).toBe(false);
    expect(answer.body.error.code).toBe('not-found');
    const seenByBob = await read('announce', 'bob');
    const refusal = seenByBob.find((m) => m.private && JSON.stringify(m.card).includes('prod-wbe'));
    expect(JSON.stringify(refusal?.card)).toMatch(/prod-web/); // the suggestion
    // The typed line is public, as in any chat; patchbot's answer to it is bob's alone.
    const seenByCarol = await read('announce', 'carol');
    expect(seenByCarol.some((m) => m.text === '/patch propose KB5034441 to prod-wbe')).toBe(true);
    expect(seenByCarol.filter((m) => m.private || JSON.stringify(m.card).includes('prod-wbe'))).toEqual([]);
  });

  it('is idempotent for a retried POST with the same id: one typed line, one answer', async () => {
    const body = { id: 'retry-1', channel: 'dm:dave', as: 'dave', text: 'who needs a reboot?' };
    const first = await post('/messages', body);
    const again = await post('/messages', body);
    expect(first.body).toMatchObject({ ok: true, interaction: 'dave:retry-1' });
    expect(again.body).toMatchObject({ ok: true, duplicate: true });
    const dm = await read('dm:dave', 'dave');
    expect(dm.filter((m) => m.text === 'who needs a reboot?')).toHaveLength(1);
    expect(dm.filter((m) => m.author === 'patchbot')).toHaveLength(1);
  });

  it('rejects malformed bodies with 400 and a specific message', async () => {
    const broken = await call(svc.url, 'POST', '/messages', '{"channel": "dm:bob",');
    expect(broken).toMatchObject({ status: 400, body: { error: 'the body is not valid JSON' } });
    expect((await call(svc.url, 'POST', '/messages', '[1]')).body.error).toBe('the body must be a JSON object');
    expect((await post('/messages', { channel: 'dm:bob', as: 'bob' })).body.error).toBe('`text` is required');
    expect((await post('/messages', { channel: 'dm:bob', as: 'bob', text: 'x', id: 'no spaces allowed' })).status).toBe(400);
    expect((await post('/messages', { channel: 'dm:bob', as: 'bob', text: 'x'.repeat(4001) })).body.error).toMatch(/longer than 4000/);
  });
});

describe('console API: buttons', () => {
  it('votes from the stored card: the card is edited in place, the requester is refused privately', async () => {
    const { change, card } = await propose();
    expect(card.card.actions.map((a: { id: string }) => a.id)).toEqual(['change.approve', 'change.reject']);

    const own = await post('/actions', { messageId: card.id, actionId: 'change.approve', as: 'alice' });
    expect(own.body).toMatchObject({ ok: false });
    const refusal = (await read('approvals', 'alice')).filter((m) => m.private).at(-1);
    expect(JSON.stringify(refusal?.card)).toMatch(/You requested this change; separation of duties/);
    expect(JSON.stringify(await read('approvals', 'bob'))).not.toContain(refusal!.card.title);

    const vote = await post('/actions', { messageId: card.id, actionId: 'change.approve', as: 'bob' });
    expect(vote.body).toMatchObject({ ok: true, data: { change, approvals: ['bob'] } });
    const edited = (await read('approvals', 'carol')).find((m) => m.id === card.id)!;
    expect(edited.revision).toBeGreaterThan(card.revision);
    expect(edited.edited).toBe(true);
    expect(edited.card.text).toMatch(/1 of 3 CAB approvals: bob/);
  });

  it('takes the value from the stored card, never from the client', async () => {
    const first = await propose();
    const second = await propose();
    // A forged value naming the first change is ignored: the vote lands on the card's own change.
    const vote = await post('/actions', { messageId: second.card.id, actionId: 'change.approve', as: 'carol', value: first.change });
    expect(vote.body.data).toMatchObject({ change: second.change, approvals: ['carol'] });
    const untouched = (await read('approvals', 'carol')).find((m) => m.id === first.card.id)!;
    expect(untouched.card.text).toMatch(/0 of 3/);
  });

  it('answers unknown messages and buttons with 404, and a decided card has no buttons left', async () => {
    const { card } = await propose();
    expect((await post('/actions', { messageId: '999999', actionId: 'change.approve', as: 'bob' })).body.error).toBe('no console message 999999');
    const wrong = await post('/actions', { messageId: card.id, actionId: 'change.launch', as: 'bob' });
    expect(wrong).toMatchObject({ status: 404, body: { error: `message ${card.id} has no button "change.launch"; its buttons are change.approve, change.reject` } });
    for (const voter of ['bob', 'carol', 'dave']) expect((await post('/actions', { messageId: card.id, actionId: 'change.approve', as: voter })).body.ok).toBe(true);
    const late = await post('/actions', { messageId: card.id, actionId: 'change.approve', as: 'bob' });
    expect(late.status).toBe(404);
    expect(late.body.error).toMatch(/no buttons \(a decided card loses them\)/);
    // A private message of alice's is not there for bob to click.
    const privateOne = (await read('approvals', 'alice')).find((m) => m.private);
    expect((await post('/actions', { messageId: privateOne!.id, actionId: 'x', as: 'bob' })).status).toBe(404);
  });

  it('serves compliance per group for the chart', async () => {
    const { body } = await get('/compliance');
    expect(body.groups.map((g: { group: string }) => g.group)).toEqual(['prod-web', 'staging']);
    expect(body.groups[0]).toMatchObject({ hosts: 2, compliantPct: expect.any(Number) });
    expect((await get('/compliance?framework=sox')).status).toBe(400);
  });
});

describe('console API: waves', () => {
  it("answers a change's waves with every host in the state the store has it", async () => {
    // A proposal is never run by the orchestrator, so the runs written here are the only ones.
    const { change } = await propose();
    const pending = await get(`/changes/${change}/waves?as=erin`);
    expect(pending.status).toBe(200);
    expect(pending.body).toMatchObject({ change, state: 'pending-approval', current: null, totals: { hosts: 2, pending: 2 } });
    expect(pending.body.waves.map((w: { name: string; pilot: boolean; failureBudget: number }) => [w.name, w.pilot, w.failureBudget])).toEqual([
      ['pilot', true, 0],
      ['prod-web', false, 1],
    ]);

    // Queued, then moved by compare-and-set as a worker and a rescan would move them (no worker
    // claims a host of a change that is not running).
    const { rollouts } = svc.store;
    await rollouts.queueRuns(change, 0, 0, ['web-01']);
    await rollouts.setRunState(change, 'web-01', 'queued', 'smoke-failed', 'smoke-http: GET /healthz exited 22');
    await rollouts.queueRuns(change, 1, 0, ['web-02']);
    await rollouts.setRunState(change, 'web-02', 'queued', 'running');
    await rollouts.saveProgress(runningProgress(change, new Date()));

    const running = (await get(`/changes/${change}/waves?as=erin`)).body;
    expect(running.current).toEqual({ wave: 1, phase: 'running', soakUntil: null, pausedBy: null });
    expect(running.waves.map((w: { status: string }) => w.status)).toEqual(['done', 'current']);
    expect(running.waves[0]).toMatchObject({ failures: 1, hosts: [{ host: 'web-01', batch: 0, state: 'smoke-failed', kind: 'failed', error: 'smoke-http: GET /healthz exited 22' }] });
    expect(running.waves[1]).toMatchObject({ failures: 0, hosts: [{ host: 'web-02', state: 'running', kind: 'running', error: null }] });

    // Someone resumed past the failure: it is accepted, and no longer counts against the budget.
    await rollouts.setRunState(change, 'web-01', 'smoke-failed', 'accepted');
    const accepted = (await get(`/changes/${change}/waves?as=erin`)).body;
    expect(accepted.waves[0]).toMatchObject({ failures: 0, counts: { accepted: 1, failed: 0 }, hosts: [{ state: 'accepted', kind: 'accepted' }] });
    expect(accepted.totals).toMatchObject({ hosts: 2, accepted: 1, running: 1, pending: 0, patched: 0 });
  });

  it('answers an unknown change with 404, and needs a configured person', async () => {
    const { change } = await propose();
    const unknown = await get('/changes/CHG-9999/waves?as=bob');
    expect(unknown).toMatchObject({ status: 404, body: { error: 'no change "CHG-9999"; `/patch changes` lists them' } });
    expect((await get(`/changes/${encodeURIComponent('../../people')}/waves?as=bob`)).status).toBe(404);
    expect((await get('/changes/%E0%A4%A/waves?as=bob')).body.error).toMatch(/change id in the path is not valid percent-encoding/);
    const nobody = await get(`/changes/${change}/waves`);
    expect(nobody.status).toBe(400);
    expect(nobody.body.error).toMatch(/`as` is required/);
    expect((await get(`/changes/${change}/waves?as=mallory`)).status).toBe(400);
    expect((await post(`/changes/${change}/waves`, {})).status).toBe(405);
  });
});
