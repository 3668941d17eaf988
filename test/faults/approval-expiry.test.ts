import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPIRY_SCHEDULE } from '../../src/changes/expiry-job.ts';
import { firingKey, scheduleQueue } from '../../src/jobs/scheduler.ts';
import type { PatchbotStore } from '../../src/patchbot-store.ts';
import { type ConsoleService, startConsoleService } from '../console/support/console-service.ts';
import { call } from '../console/support/http.ts';
import { until } from '../support/until.ts';

/**
 * An approval nobody gives expires: the schedule's job (as the cron firing sends it) moves the
 * change to `expired`, says so in its thread, takes the buttons off its card and queues the
 * ticket's update. Normal changes here expire 2 s after they are proposed.
 */
const ESTATE = {
  yaml: `
inventory:
  hosts:
    - { name: stg-01, address: 127.0.0.1, port: 1, os: debian, groups: [staging] }
  groups:
    - { name: staging, members: [stg-01] }
approval:
  normal: { approvers: [role:oncall], required: 1, expiresIn: 2s }
`,
  seed: async (store: PatchbotStore) => {
    const at = new Date(Date.now() - 60_000);
    await store.patches.upsert([{ id: 'DSA-5600-1', title: 'openssl security update', severity: 'critical', security: true, cves: [], rebootHint: false, firstSeen: at }], 'scan-seed');
    await store.scans.start('scan-seed', 'test', ['stg-01'], at);
    await store.scans.recordHost({ scanId: 'scan-seed', host: 'stg-01', outcome: 'ok', startedAt: at, finishedAt: at, rebootRequired: false });
    await store.findings.record('scan-seed', 'stg-01', [{ patchId: 'DSA-5600-1', state: 'missing' }], at);
    await store.scans.finish('scan-seed', at);
  },
};

let svc: ConsoleService;
beforeAll(async () => {
  svc = await startConsoleService({ estate: ESTATE });
});
afterAll(async () => svc?.stop());

const messages = async (channel: string) =>
  (await call(svc.url, 'GET', `/channels/${channel}/messages?as=dave`)).body.messages as Array<{ id: string; card?: { title: string; text?: string; actions?: unknown[] } }>;

describe('approvals expire', () => {
  it('expires an undecided change on the schedule, says so in its thread, locks its card and tells the ticket', async () => {
    const proposed = await call(svc.url, 'POST', '/messages', { channel: 'approvals', as: 'alice', text: '/patch propose DSA-5600-1 to staging' });
    expect(proposed.body, JSON.stringify(proposed.body)).toMatchObject({ ok: true });
    const id = proposed.body.data.change as string;
    const change = await svc.store.changes.get(id);
    expect(change?.state).toBe('pending-approval');
    const card = (await messages('approvals')).find((m) => m.card?.title.startsWith(`${id}:`));
    expect(card?.card?.actions?.length).toBeGreaterThan(0);

    const fire = (at: Date) =>
      svc.service.runtime.queue.send(scheduleQueue(EXPIRY_SCHEDULE.name), { schedule: EXPIRY_SCHEDULE.name, firedAt: at.toISOString() }, { key: firingKey(EXPIRY_SCHEDULE.name, at) });
    await until('the deadline to pass', async () => Date.now() > change!.expiresAt!.getTime() + 50, 10_000, 50);
    await fire(new Date());
    const expired = await until(
      'the change to expire',
      async () => {
        const c = await svc.store.changes.get(id);
        return c?.state === 'expired' ? c : null;
      },
      // The schedule's own cron firing in the same second as this one shares its key, and the queue
      // keeps the first: should that one have run a moment before the deadline, the next minute's
      // firing expires the change.
      75_000,
    );
    expect(expired.state).toBe('expired');
    // The ticket hears of it through the outbox, written in the transition's transaction.
    expect(JSON.stringify((await svc.store.ticketOutbox.list(id)).at(-1)?.event)).toMatch(/expire/i);

    const notice = await until('the expiry notice in the thread', async () => (await messages('approvals')).find((m) => m.card?.title === `${id}: Approval expired`));
    expect(notice.card?.text).toMatch(/Nobody decided before the approval deadline/);
    const locked = await until('the card to lose its buttons', async () => {
      const again = (await messages('approvals')).find((m) => m.id === card!.id);
      return again && !again.card?.actions ? again : null;
    });
    expect(locked.card?.text ?? '').toMatch(/Expired without a decision/);
    // A click on the old card is refused, not counted.
    const late = await call(svc.url, 'POST', '/actions', { messageId: card!.id, actionId: 'change.approve', as: 'dave' });
    expect(late.body.ok).not.toBe(true);
    expect(await svc.store.votes.list(id)).toEqual([]);
  }, 120_000);
});
