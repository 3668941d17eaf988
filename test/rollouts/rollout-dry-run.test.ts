import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { platform } from '../support/platform.ts';
import type { StoreHandle } from '../../src/platform.ts';
import { type Runtime, startRuntime } from '../../src/service/runtime.ts';
import { proposeOnSchedule } from '../../src/rollouts/run/recurring-proposals.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { writeConfig } from '../support/cli.ts';
import { until } from '../support/until.ts';
import { askAs } from '../support/ask-as.ts';
import { consoleHistoryOf } from '../support/console-history.ts';
import { moveFor } from '../../src/tickets/lifecycle.ts';
import type { TicketEvent } from '../../src/tickets/ticketing.ts';

/**
 * The orchestrator end to end in one process, on the embedded defaults' terms: dry run, local
 * hosts, real job queue and workers, the console as the chat surface. Pilot first, then the
 * production wave; every host run recorded; the change completes with nothing changed on hosts.
 */
const config = async () =>
  (
    await loadConfig({
      files: [
        writeConfig(
          [
            'store: { url: "pglite://memory" }',
            'log: { level: silent }',
            'inventory:',
            '  hosts:',
            ...['canary-01', 'web-01', 'web-02', 'web-03', 'legacy-02'].map((name) => `    - { name: ${name}, address: 127.0.0.1, os: debian, connection: local }`),
            // RHEL hosts: legacy-01 "misses" a Debian package it cannot take (its host run fails).
            ...['legacy-01', 'db-01'].map((name) => `    - { name: ${name}, address: 127.0.0.1, os: rhel, connection: local }`),
            '  groups:',
            '    - { name: canary, members: [canary-01] }',
            '    - { name: prod-web, members: [web-01, web-02, web-03] }',
            '    - { name: legacy, members: [legacy-01, legacy-02] }',
            '    - { name: legacy-rhel, members: [legacy-01] }',
            '    - { name: prod-db, members: [db-01] }',
            'schedules:',
            '  discovery: null',
            '  proposals:',
            '    - { name: security-canary, cron: "0 22 * * 2", patches: security, targets: [canary], window: now }',
            'rollout:',
            // A pilot that tolerates one failure, so a change can run to its end with every host failed.
            '  pilot: { group: canary, soak: 0s, failureBudget: 1 }',
            '  defaults: { concurrency: 2, soak: 0s }',
          ].join('\n'),
        ),
      ],
      env: {},
      cwd: process.cwd(),
    })
  ).config;

let handle: StoreHandle;
let runtime: Runtime;
const ask = (name: string, text: string) => askAs(runtime, name, text);

beforeAll(async () => {
  const loaded = await config();
  handle = await platform.openStore(loaded.store.url, { migrate: true });
  runtime = await startRuntime({ config: loaded, platform, log: createLogger({ level: 'silent' }), handle, workers: true });
  const at = new Date();
  await runtime.store.scans.start('scan-seed', 'test', ['canary-01', 'web-01', 'web-02', 'web-03', 'legacy-01', 'legacy-02', 'db-01'], at);
  await runtime.store.patches.upsert(
    [
      { id: 'deb:openssl@9.9.9-1', title: 'openssl 9.9.9-1', severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: at },
      { id: 'RHSA-2024:3339', title: 'glibc security update', severity: 'important', security: true, cves: [], rebootHint: false, firstSeen: at },
    ],
    'scan-seed',
  );
  for (const host of ['canary-01', 'web-01', 'web-02', 'web-03', 'legacy-01', 'legacy-02']) {
    await runtime.store.findings.record('scan-seed', host, [{ patchId: 'deb:openssl@9.9.9-1', state: 'missing' }], at);
  }
  await runtime.store.findings.record('scan-seed', 'db-01', [{ patchId: 'RHSA-2024:3339', state: 'missing' }], at);
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
  await handle?.close();
});

describe('a rollout in dry run', () => {
  it('runs the pilot, then the production wave in batches, and completes without changing a host', async () => {
    const complianceBefore = (await ask('erin', 'compliance prod-web')).data;
    const proposed = await ask('alice', 'propose deb:openssl@9.9.9-1 to canary prod-web at now');
    expect(proposed.error).toBeUndefined();
    const id = String(proposed.data?.change);
    const change = await runtime.store.changes.get(id);
    expect(change?.plan).toMatchObject({ waves: [{ name: 'pilot', pilot: true, batches: [['canary-01']] }, { batches: [['web-01', 'web-02'], ['web-03']] }] });

    const approved = await ask('dave', `approve ${id}`);
    expect(approved.data).toMatchObject({ decided: 'approved' });
    await until('the change to complete', async () => (await runtime.store.changes.get(id))?.state === 'completed');
    // Messages follow the committed transition: wait for the last one before reading the thread.
    await until('the completed message', async () => (await consoleHistoryOf(runtime).recent('approvals', null, 50)).some((m) => m.card?.title === `${id}: completed`));

    const runs = await runtime.store.rollouts.runs(id);
    // Nothing ran: every host would have been patched, none is verified.
    expect(runs.map((r) => [r.host, r.wave, r.batch, r.state, r.attempt])).toEqual([
      ['canary-01', 0, 0, 'dry-run', 1],
      ['web-01', 1, 0, 'dry-run', 1],
      ['web-02', 1, 0, 'dry-run', 1],
      ['web-03', 1, 1, 'dry-run', 1],
    ]);
    // Dry run: the apply playbook was recorded as "would run", never executed.
    const steps = (runs[0]?.result as { runs: Array<{ dryRun: boolean; steps: Array<{ name: string; skipped?: string }> }> }).runs[0];
    expect(steps?.dryRun).toBe(true);
    // Exactly the approved version, never a bare package name.
    expect(steps?.steps.find((s) => s.name === 'install exactly what was approved')?.skipped).toMatch(/^would run: .*'openssl=9\.9\.9-1'.*apt-get install -y --only-upgrade /s);

    // The thread tells the story once per wave; the card shows the end state.
    const thread = (await consoleHistoryOf(runtime).recent('approvals', null, 50)).map((m) => m.card?.title ?? '');
    expect(thread.filter((t) => t.startsWith(`${id}: wave`))).toEqual([
      `${id}: wave 1 of 2 started`,
      `${id}: wave 1 of 2 done`,
      `${id}: wave 1 of 2: commands (dry run)`,
      `${id}: wave 2 of 2 started`,
      `${id}: wave 2 of 2 done`,
      `${id}: wave 2 of 2: commands (dry run)`,
    ]);
    expect(thread).toContain(`${id}: completed`);
    const messages = (await consoleHistoryOf(runtime).recent('approvals', null, 50)).filter((m) => m.card?.threadKey === `change:${id}`);
    const byTitle = (title: string) => messages.find((m) => m.card?.title === `${id}: ${title}`)?.card;
    // Every message that reports an outcome says dry run and never "patched".
    expect(byTitle('wave 2 of 2 done')?.text).toMatch(/^prod-web: 3 would patch \(dry run\)\. Dry run: nothing was changed on the hosts\./);
    expect(byTitle('completed')?.text).toMatch(/^4 would patch \(dry run\) of 4 hosts\. Dry run: nothing was changed on the hosts\.$/);
    for (const m of messages) expect(`${m.card?.title} ${m.card?.text ?? ''}`).not.toMatch(/\bpatched\b/);
    // The exact commands, one collapsed section per host, in the thread...
    const commands = byTitle('wave 2 of 2: commands (dry run)');
    expect(commands?.sections?.map((sec) => [sec.heading?.split(' ')[0], sec.collapsed])).toEqual([
      ['web-01', true],
      ['web-02', true],
      ['web-03', true],
    ]);
    // The playbook is longer than a chat section holds: the fold starts with its first command and says where the rest is.
    expect(commands?.sections?.[0]?.text).toMatch(/^```\numask 077\n.*\n```\n… cut here: `patchbot change show CHG-\d+ --json` has every command in full\.$/s);
    // ...and in `change show`, the card's State saying dry run.
    const shown = await ask('erin', `show ${id}`);
    expect(shown.public?.fields).toEqual(expect.arrayContaining([{ label: 'State', value: 'completed (dry run)' }]));
    expect(shown.public?.sections?.map((sec) => sec.heading?.split(' ')[0])).toEqual(['canary-01', 'web-01', 'web-02', 'web-03']);
    expect((shown.data?.dryRun as Array<{ host: string; commands: string[] }>)[0]?.commands.some((c) => /'openssl=9\.9\.9-1'.*apt-get install -y --only-upgrade /s.test(c))).toBe(true);
    // The ticket's notes say dry run too; the findings still say missing, as a rescan would.
    const notes = (await runtime.store.ticketOutbox.list(id)).flatMap((e) => moveFor({ ...e.event, id: 'x' } as TicketEvent)?.note ?? []);
    expect(notes).toEqual(
      expect.arrayContaining([
        'Wave 2 of 2 done (dry run: nothing was changed on the hosts): 3 would patch, 0 failed, 0 skipped (3 hosts).',
        'Dry run completed: 4 of 4 hosts would be patched (dry run). Dry run: nothing was changed on the hosts. Cancelled, not closed successful: nothing was implemented.',
      ]),
    );
    expect((await runtime.store.findings.byHost('web-01')).find((f) => f.patchId === 'deb:openssl@9.9.9-1')?.state).toBe('missing');
    // Compliance reads the findings: a dry run leaves it exactly where it was, the patch still open.
    const complianceAfter = (await ask('erin', 'compliance prod-web')).data;
    expect(complianceAfter?.headline).toBe(complianceBefore?.headline);
    expect(complianceAfter?.total).toMatchObject({ hosts: 3, missing: { important: 3 } });
    expect(complianceAfter?.total).toEqual(complianceBefore?.total);
    const audit: string[] = [];
    for await (const event of runtime.store.audit.read()) if (event.subject === id) audit.push(event.action);
    expect(audit).toEqual(expect.arrayContaining(['change.approved', 'change.scheduled', 'change.running', 'host.applied', 'change.completed']));
  });

  it('proposes on schedule what the selector picks and the targets still miss, and nothing when nothing is missing', async () => {
    const schedule = runtime.config.schedules.proposals[0]!;
    await runtime.store.patches.upsert([{ id: 'deb:bash@9.9-1', title: 'bash 9.9-1', severity: 'low', security: false, cves: [], rebootHint: false, firstSeen: new Date() }]);
    const at = new Date();
    await runtime.store.scans.start('scan-two', 'test', ['canary-01'], at);
    await runtime.store.findings.record(
      'scan-two',
      'canary-01',
      [
        { patchId: 'deb:openssl@9.9.9-1', state: 'missing' },
        { patchId: 'deb:bash@9.9-1', state: 'missing' },
      ],
      at,
    );
    const id = await proposeOnSchedule(runtime.rollouts, schedule, '2026-12-01T22:00:00.000Z');
    const change = await runtime.store.changes.get(id!);
    // Security only: the bash update is not one; requested by the schedule, any on-call may approve.
    expect(change).toMatchObject({ patches: ['deb:openssl@9.9.9-1'], targets: ['canary'], requester: 'schedule:security-canary', state: 'pending-approval', window: 'now' });
    const posted = await consoleHistoryOf(runtime).recent('approvals', null, 100);
    expect(posted.some((m) => m.card?.title === `${id}: deb:openssl@9.9.9-1 to canary (security-canary)`)).toBe(true);

    await runtime.store.findings.record('scan-two', 'canary-01', [{ patchId: 'deb:bash@9.9-1', state: 'missing' }], at);
    expect(await proposeOnSchedule(runtime.rollouts, schedule, '2026-12-08T22:00:00.000Z')).toBeNull();
  });

  it('scans from chat: a group by name, a typo answered with the closest names; never for a stranger or a viewer', async () => {
    // A scan runs commands as root on every host: someone the chat platform cannot tie to a person may not start one.
    const stranger = await ask('mallory', 'scan canary');
    expect(stranger.error?.code).toBe('not-a-person');
    const viewer = await ask('erin', 'scan canary');
    expect(viewer.error).toMatchObject({ code: 'not-allowed', message: expect.stringMatching(/^erin is a viewer: .* cannot start scans\.$/) });
    expect([stranger.data?.scan, viewer.data?.scan]).toEqual([undefined, undefined]);

    const started = await ask('bob', 'scan canary');
    expect(started.data).toMatchObject({ hosts: 1, created: true });
    expect(started.public?.title).toBe('Scanning canary (1 host)');
    const scanId = String(started.data?.scan);
    await until('the chat scan', async () => (await runtime.store.scans.progress(scanId))?.finishedAt);
    expect((await runtime.store.scans.progress(scanId))?.requestedBy).toBe('chat:bob');
    const typo = await ask('bob', 'scan canery');
    expect(typo.error?.suggestions).toEqual(['canary']);
  });

  const runChange = async (text: string, end: string) => {
    const proposed = await ask('alice', text);
    expect(proposed.error).toBeUndefined();
    const id = String(proposed.data?.change);
    expect((await ask('dave', `approve ${id}`)).error).toBeUndefined();
    await until(`${id} to end ${end}`, async () => (await runtime.store.changes.get(id))?.state === end);
    const messages = await until(`${id}'s last message`, async () => {
      const all = (await consoleHistoryOf(runtime).recent('approvals', null, 200)).filter((m) => m.card?.threadKey === `change:${id}`);
      return all.some((m) => m.card?.title.startsWith(`${id}: ${end}`)) ? all : null;
    });
    const notes = (await runtime.store.ticketOutbox.list(id)).flatMap((e) => moveFor({ ...e.event, id: 'x' } as TicketEvent)?.note ?? []);
    return { id, messages, notes, runs: await runtime.store.rollouts.runs(id) };
  };

  it('completes with a failed host inside the budget, and says "completed with 1 failed host" everywhere', async () => {
    const { id, messages, notes, runs } = await runChange('propose deb:openssl@9.9.9-1 to legacy at now', 'completed');
    // legacy-01 pilots (the only ring: its first host) and fails inside the pilot's budget of 1.
    expect(runs.map((r) => [r.host, r.state])).toEqual([
      ['legacy-01', 'failed'],
      ['legacy-02', 'dry-run'],
    ]);
    expect(runs[0]?.error).toMatch(/apply-rhel-advisories cannot apply deb:openssl@9\.9\.9-1/);
    const done = messages.find((m) => m.card?.title === `${id}: completed with 1 failed host`)?.card;
    expect(done?.text).toMatch(/^1 would patch \(dry run\), 1 failed of 2 hosts\.\nFailed: legacy-01 \(failed\): apply-rhel-advisories cannot apply/);
    expect(messages.find((m) => m.card?.title === `${id}: wave 1 of 2 done`)?.card?.text).toMatch(
      /^pilot: 0 patched, 1 failed \(budget 1\)\.\nFailed: legacy-01 \(failed\): apply-rhel-advisories cannot apply/,
    );
    expect(messages.find((m) => m.card?.title === `${id}: wave 2 of 2 done`)?.card?.text).toMatch(/^legacy: 1 would patch \(dry run\)\. Dry run: nothing was changed on the hosts\./);
    const shown = await ask('erin', `show ${id}`);
    expect(shown.public?.fields).toEqual(expect.arrayContaining([{ label: 'State', value: 'completed with 1 failed host (dry run)' }]));
    expect(notes.at(-1)).toMatch(
      /^Dry run completed: completed with 1 failed host: 1 of 2 hosts would be patched \(dry run\); 1 failed host \(legacy-01: apply-rhel-advisories cannot apply.*Cancelled, not closed successful: nothing was implemented\.$/s,
    );
  });

  it('fails (never completes) when no host was patched, and the ticket closes unsuccessful naming the host', async () => {
    const { id, messages, notes, runs } = await runChange('propose deb:openssl@9.9.9-1 to legacy-rhel at now', 'failed');
    expect(runs.map((r) => [r.host, r.state])).toEqual([['legacy-01', 'failed']]);
    const failed = messages.find((m) => m.card?.title === `${id}: failed`)?.card;
    expect(failed?.text).toMatch(/^The change failed: no host was patched; 1 host failed: legacy-01\./);
    expect(notes.at(-1)).toMatch(/^Completed unsuccessfully: no host was patched; 1 host failed: legacy-01\. 0 of 1 host/);
    const shown = await ask('erin', `show ${id}`);
    expect(shown.public?.fields).toEqual(expect.arrayContaining([{ label: 'State', value: 'failed (1 host failed)' }]));
    const audit: string[] = [];
    for await (const event of runtime.store.audit.read()) if (event.subject === id) audit.push(event.action);
    expect(audit).toContain('change.failed');
    expect(audit).not.toContain('change.completed');
  });

  it('rolls back an apply-rhel-advisories change with its advisories, and shows the rollback commands', async () => {
    const { id, runs } = await runChange('propose RHSA-2024:3339 to prod-db at now', 'completed');
    expect((runs[0]?.result as { params?: unknown }).params).toEqual({ advisories: ['RHSA-2024:3339'], packages: [], change: id });
    const rolled = await ask('alice', `rollback ${id}`);
    expect(rolled.error).toBeUndefined();
    const rollbackId = String(rolled.data?.rollback);
    await until(`${rollbackId} to complete`, async () => (await runtime.store.changes.get(rollbackId))?.state === 'completed');
    const [run] = await runtime.store.rollouts.runs(rollbackId);
    expect(run?.state).toBe('dry-run');
    expect((run?.result as { params?: unknown }).params).toEqual({ advisories: ['RHSA-2024:3339'], packages: [], change: id });
    const shown = await ask('erin', `show ${rollbackId}`);
    const commands = (shown.data?.dryRun as Array<{ host: string; playbook: string; commands: string[] }>)[0];
    expect(commands?.playbook).toBe('apply-rhel-advisories#rollback');
    expect(commands?.commands.join('\n')).toContain('dnf -y downgrade');

    // A dry-run rollback restored nothing: the original stays completed, its ticket is not closed
    // backed out, and the thread says what it would have done (review finding 6). The parent is
    // settled in the transaction that completed the rollback.
    expect((await runtime.store.changes.get(id))?.state).toBe('completed');
    const told = await until(
      'the dry-run notice',
      async () => (await consoleHistoryOf(runtime).recent('approvals', null, 200)).find((m) => m.card?.title === `${rollbackId}: would restore (dry run)`),
      20_000,
    );
    expect(told.card?.text).toBe(`${rollbackId} would restore db-01 (dry run): nothing was changed on the hosts, and ${id} stays completed.`);
    const audit: string[] = [];
    for await (const event of runtime.store.audit.read()) if (event.subject === id) audit.push(event.action);
    expect(audit).not.toContain('change.rolled-back');
    const events = (await runtime.store.ticketOutbox.list(id)).map((e) => e.event);
    expect(events.map((e) => e.kind)).not.toContain('rolled-back');
    expect(events.at(-1)).toEqual({ kind: 'note', text: `Backout ${rollbackId} completed: 1 of 1 host would be restored (dry run). Dry run: nothing was changed on the hosts.` });
  });
});
