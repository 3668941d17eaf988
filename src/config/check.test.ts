import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { checkConfig } from './check.ts';

describe('checkConfig', () => {
  it('summarises a valid config', async () => {
    // Live outside demo mode: a server token, so the console acts only as a token's owner.
    const result = await checkConfig({ env: { PATCHBOT__execution__dryRun: 'false', PATCHBOT__server__token: 'a-long-enough-server-token' }, cwd: tmpdir() });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.summary).toEqual(
      expect.arrayContaining(['chat: console', 'inventory: 1 host, 1 group', expect.stringMatching(/^execution: live,/), expect.stringMatching(/^store: PGlite/)]),
    );
  });

  it('refuses real execution in demo mode, saying where dryRun was set to false', async () => {
    const result = await checkConfig({ env: { PATCHBOT__execution__dryRun: 'false' }, cwd: tmpdir() });
    expect(result).toEqual({ ok: false, problems: [expect.stringMatching(/^execution\.dryRun: false is refused in demo mode .*keep dryRun: true \(from \$PATCHBOT__execution__dryRun\)$/)] });
  });

  it('returns the problems of an invalid one', async () => {
    const result = await checkConfig({ env: { PATCHBOT__log__level: 'loud' }, cwd: tmpdir() });
    expect(result).toEqual({ ok: false, problems: ['log.level: must be one of trace, debug, info, warn, error, fatal, silent (got text "loud") (from $PATCHBOT__log__level)'] });
  });

  it('warns about policies that are never chosen', async () => {
    const result = await checkConfig({ env: { PATCHBOT__approval__normall: '{approvers: [role:oncall], required: 1}' }, cwd: tmpdir() });
    expect(result.ok && result.warnings).toEqual(['approval.normall: this policy is never chosen (patchbot uses standard, normal, emergency, production); did you mean normal?']);
  });

  it('warns about roles nobody holds', async () => {
    const result = await checkConfig({ env: { PATCHBOT__people: '[{name: solo, roles: [oncall]}]' }, cwd: tmpdir() });
    expect(result.ok && result.warnings).toEqual([
      'approval.production.voters.0: nobody has role cab; add it under people or this policy can never be satisfied',
      'approval.emergency.notify.0: nobody has role cab; add it under people or this notification reaches no one',
    ]);
  });

  it('refuses a policy naming a role that does not exist or a person who is not configured, with the closest name', async () => {
    const result = await checkConfig({
      env: {
        PATCHBOT__approval__normal: '{approvers: [role:oncal, alcie, role:approver:prod-wbe], required: 1}',
        PATCHBOT__approval__emergency: '{approvers: [role:oncall], required: 1, notify: [role:cabb]}',
      },
      cwd: tmpdir(),
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      'approval.normal.approvers.0: unknown role "oncal"; did you mean role:oncall? Roles are oncall, cab, admin, viewer and approver:<group>; as written this matches nobody (from $PATCHBOT__approval__normal)',
      'approval.normal.approvers.1: nobody named "alcie" is under people (did you mean alice?); add them under people or name a role (role:cab) (from $PATCHBOT__approval__normal)',
      'approval.emergency.notify.0: unknown role "cabb"; did you mean role:cab? Roles are oncall, cab, admin, viewer and approver:<group>; as written this matches nobody (from $PATCHBOT__approval__emergency)',
    ]);
  });

  it('only warns when a quorum is larger than the people who hold the role today (they may be added later)', async () => {
    const result = await checkConfig({ env: { PATCHBOT__approval__production: '{voters: [role:cab], quorum: 5}' }, cwd: tmpdir() });
    expect(result.ok && result.warnings).toEqual(['approval.production.quorum: 5 approvals needed but only 3 people are eligible; add people or lower it']);
  });

  it('never prints a password that sits in a URL (the ITSM instance, the store)', async () => {
    const result = await checkConfig({
      env: {
        PATCHBOT__itsm__kind: 'servicenow',
        PATCHBOT__itsm__servicenow: '{instanceUrl: "http://patchbot:Sn0w-Pa55@sn.example.test", username: patchbot, password: other}',
      },
      cwd: tmpdir(),
    });
    expect(result.ok).toBe(true);
    const text = JSON.stringify(result);
    expect(text).not.toContain('Sn0w-Pa55');
    expect(result.ok && result.summary).toContain('itsm: ServiceNow at http://patchbot:[redacted]@sn.example.test');
  });

  it('names the rollout sweep setting, where it came from and what to write, when its period is refused', async () => {
    const result = await checkConfig({ env: { PATCHBOT__execution__rolloutSweep: '45s' }, cwd: tmpdir() });
    expect(result).toEqual({
      ok: false,
      problems: [
        'execution.rolloutSweep: 45s does not divide a minute or an hour, so sweeps would not come evenly (they fire by cron); write 5s, 6s, 10s, 12s, 15s, 20s, 30s, or 1m, 2m, 3m, 4m, 5m, 6m, 10m, 12m, 15m, 20m, 30m, 1h (from $PATCHBOT__execution__rolloutSweep)',
      ],
    });
  });
});
