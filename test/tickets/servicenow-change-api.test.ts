import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceNowTicketing } from '../../adapters/servicenow/servicenow-ticketing.ts';
import type { Ticketing } from '../../src/tickets/ticketing.ts';
import { type FakeServiceNow, startFakeServiceNow } from '../support/fake-servicenow.ts';
import { draft, ev } from './drafts.ts';

const TEMPLATE = 'a'.repeat(32);
const firstLines = (notes: string[]) => notes.map((n) => n.split('\n')[0]);

describe('ServiceNow Change Management API (sn_chg_rest), the instance pre-approving patchbot changes', () => {
  let sn: FakeServiceNow;
  let tickets: Ticketing;
  beforeAll(async () => {
    sn = await startFakeServiceNow({ changeApi: true, approvalPolicy: 'pre-approved', standardTemplates: [TEMPLATE] });
    tickets = serviceNowTicketing(sn.config(), { timeoutMs: 5_000 });
  });
  afterAll(() => sn.stop());

  it('finds the plugin and says so', async () => {
    expect((await tickets.prepare!()).lines).toEqual(['changes are created and moved through the Change Management API (sn_chg_rest)']);
  });

  it('creates through the normal model, records chat votes as work notes, and lets the instance approve', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-801' }));
    expect(sn.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toContain('/api/sn_chg_rest/v1/change/normal');
    expect(sn.change(ref.key)).toMatchObject({ type: 'normal', state: '-5', fields: expect.objectContaining({ correlation_id: 'CHG-801' }) });
    expect(await tickets.record(ref, ev.approved(['alice', 'bob']))).toEqual({ state: 'Scheduled', skipped: false });
    // patchbot asked (New → Assess); the instance's rule approved; its model moved the change on.
    expect(sn.change(ref.key).approval).toBe('approved');
    expect(sn.approverRows(ref.key).every((row) => row.state === 'approved')).toBe(true);
    expect(sn.requests.filter((r) => r.method === 'PATCH').every((r) => r.path.startsWith('/api/sn_chg_rest/'))).toBe(true);
    await tickets.record(ref, ev.wave(1, 1, 4));
    expect(await tickets.record(ref, ev.completed())).toEqual({ state: 'Closed', skipped: false });
    expect(sn.change(ref.key)).toMatchObject({ state: '3', fields: expect.objectContaining({ close_code: 'successful' }) });
    expect(firstLines(sn.workNotes(ref.key))).toEqual([
      'Approved by the approval rule "patchbot pre-approved changes"',
      'Approved in patchbot by alice, bob.',
      'Wave 1 of 1 done: 4 ok, 0 failed, 0 skipped (4 hosts).',
      'Completed successfully: 4 of 4 hosts patched; rescan shows DSA-5600-1 installed',
    ]);
  });

  it('creates standard changes from the configured template, and refuses one without a template', async () => {
    const templated = serviceNowTicketing({ ...sn.config(), standardTemplate: TEMPLATE });
    const ref = await templated.open(draft({ changeId: 'CHG-802', changeClass: 'standard' }));
    expect(sn.requests.some((r) => r.path === `/api/sn_chg_rest/v1/change/standard/${TEMPLATE}`)).toBe(true);
    expect(sn.change(ref.key).type).toBe('standard');
    const untemplated = serviceNowTicketing({ ...sn.config(), api: 'change' });
    await expect(untemplated.open(draft({ changeId: 'CHG-803', changeClass: 'standard' }))).rejects.toThrow('set itsm.servicenow.standardTemplate');
  });

  it('creates one change when the answer to the create is lost', async () => {
    sn.dropNext(1, 'after', { method: 'POST', path: /^\/api\/sn_chg_rest\// });
    await expect(tickets.open(draft({ changeId: 'CHG-804' }))).rejects.toMatchObject({ kind: 'retryable' });
    const ref = await tickets.open(draft({ changeId: 'CHG-804' }), { retry: true });
    expect(
      sn
        .changes()
        .filter((c) => c.fields.correlation_id === 'CHG-804')
        .map((c) => c.number),
    ).toEqual([ref.key]);
  });

  it('keeps the oldest when two changes carry the same change id, and names the other', async () => {
    const older = sn.seed({ short_description: 'CHG-805: first', correlation_id: 'CHG-805', correlation_display: 'patchbot' });
    const newer = sn.seed({ short_description: 'CHG-805: again', correlation_id: 'CHG-805', correlation_display: 'patchbot' });
    expect(await tickets.open(draft({ changeId: 'CHG-805' }))).toMatchObject({ key: older.number, duplicates: [newer.number] });
  });
});

describe('ServiceNow Change Management API, a CAB approving', () => {
  let sn: FakeServiceNow;
  let tickets: Ticketing;
  beforeAll(async () => {
    sn = await startFakeServiceNow({ changeApi: true });
    tickets = serviceNowTicketing(sn.config(), { timeoutMs: 5_000 });
  });
  afterAll(() => sn.stop());

  it('refuses an illegal jump on the wire, as the instance does', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-811' }));
    const { sys_id } = sn.change(ref.key);
    const res = await fetch(`${sn.url}/api/sn_chg_rest/v1/change/${sys_id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from('patchbot.integration:sn-secret').toString('base64')}` },
      body: JSON.stringify({ state: '-2', approval: 'approved' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { detail: string } }).error.detail).toContain('does not allow New → Scheduled');
  });

  it('waits for the approval the instance asks for, saying so, and goes on once the CAB approves', async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-812' }));
    expect(await tickets.record(ref, ev.approved(['alice']))).toEqual({ state: 'Assess', skipped: false });
    expect(sn.change(ref.key).approval).toBe('requested');
    expect(sn.workNotes(ref.key).at(-1)).toMatch(
      /^Approved in patchbot by alice\.\nServiceNow: waiting in Assess for approval by the instance's policy; its change model offers Canceled from here\.\n\[patchbot event/,
    );
    await expect(tickets.record(ref, ev.wave(1, 2, 1))).rejects.toThrow(/still waits in Assess for approval by the instance's policy .*offers Canceled from here/);
    sn.approve(ref.key);
    expect(await tickets.record(ref, ev.wave(1, 2, 1))).toEqual({ state: 'Implement', skipped: false });
  });

  it("sends an emergency change to Authorize when its approval is the ITSM's, and never writes approval itself", async () => {
    const ref = await tickets.open(draft({ changeId: 'CHG-813', changeClass: 'emergency', approvalInItsm: true }));
    expect(sn.change(ref.key)).toMatchObject({ type: 'emergency', state: '-3', approval: 'requested' });
    expect(await tickets.record(ref, ev.rejected())).toEqual({ state: 'Canceled', skipped: false });
    expect(sn.change(ref.key).approval).toBe('requested');
  });

  it('api: change on an instance without the plugin is refused at startup', async () => {
    const plain = await startFakeServiceNow();
    try {
      await expect(serviceNowTicketing({ ...plain.config(), api: 'change' }).prepare!()).rejects.toThrow('the instance has no Change Management API');
      expect((await serviceNowTicketing(plain.config()).prepare!()).lines[0]).toMatch(/^changes are created and moved through the Table API/);
    } finally {
      await plain.stop();
    }
  });
});
