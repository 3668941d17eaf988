import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Host } from '../inventory/host.ts';
import { createLogger } from '../shared/logger.ts';
import { type ExecRequest, type ExecResult, ExecutionError, type Executor, type HostSession } from './executor.ts';
import { rebootCommands } from './host-signals.ts';
import { Playbook } from './playbook.ts';
import { runPlaybook } from './run-playbook.ts';
import type { Clock } from './run-types.ts';

/**
 * A unit test of the runner against the Executor port: a real sshd cannot be rebooted, so a fake
 * host plays one. It answers the reboot-required check, reads out a boot id, and on the reboot
 * command goes away for `downFor` connection attempts, coming back with a new boot id (or, to
 * play a host that ignored the reboot, the same one).
 */
class FakeHost implements Executor {
  bootId = 'boot-1';
  required = 'required';
  downFor = 0;
  opens = 0;
  sessions: FakeSession[] = [];
  log: string[] = [];
  constructor(
    private readonly rebootChangesId = true,
    private readonly downAfterReboot = 2,
  ) {}

  async open(host: Host): Promise<HostSession> {
    this.opens++;
    if (this.downFor > 0) {
      this.downFor--;
      throw new ExecutionError('unreachable', host.name, 'connect ECONNREFUSED');
    }
    const session = new FakeSession(host, this);
    this.sessions.push(session);
    return session;
  }

  async close(): Promise<void> {}

  answer(session: FakeSession, command: string): ExecResult {
    const commands = rebootCommands(session.host.os);
    const ok = (stdout: string): ExecResult => ({ exitCode: 0, stdout, stderr: '', truncated: false, durationMs: 1 });
    if (command === commands.check.command) return ok(`${this.required}\n`);
    if (command === commands.bootId.command) return ok(`${this.bootId}\n`);
    if (command === commands.reboot.command) {
      this.log.push(`reboot on session ${this.sessions.indexOf(session)}`);
      this.downFor = this.downAfterReboot;
      if (this.rebootChangesId) this.bootId = 'boot-2';
      return ok('');
    }
    this.log.push(`${command} on session ${this.sessions.indexOf(session)}`);
    return ok('');
  }
}

class FakeSession implements HostSession {
  closed = false;
  constructor(
    readonly host: Host,
    private readonly fake: FakeHost,
  ) {}
  async run(request: ExecRequest): Promise<ExecResult> {
    if (this.closed) throw new ExecutionError('connection-lost', this.host.name, 'closed');
    return this.fake.answer(this, request.command);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Sleeping advances time instantly. */
const fakeClock = (): Clock & { slept: number[] } => {
  let now = 0;
  const slept: number[] = [];
  return { slept, now: () => now, sleep: async (ms) => void (slept.push(ms), (now += ms)) };
};

const log = createLogger({ level: 'silent' });
const remote = Host.parse({ name: 'web-1', address: '10.0.0.5', os: 'debian' });
const playbook = Playbook.parse(
  parse(`
name: apply-and-reboot
description: test
os: [debian, windows]
steps:
  - reboot: if-required
    timeout: 10m
`),
);
const withStep = Playbook.parse(
  parse(`
name: apply-then-more
description: test
os: [debian]
steps:
  - { name: before, run: 'echo before' }
  - reboot: always
  - { name: after, run: 'echo after' }
smoke:
  - run: 'echo smoke'
`),
);

describe('reboot step', () => {
  it('reboots, waits for the host with backoff, and checks that the boot id changed', async () => {
    const fake = new FakeHost();
    const clock = fakeClock();
    const result = await runPlaybook({ executor: fake, host: remote, playbook, dryRun: false, log, clock });
    expect(result).toMatchObject({ ok: true, rebooted: true, bootIds: { before: 'boot-1', after: 'boot-2' } });
    expect(result.steps[0]).toMatchObject({ kind: 'reboot', name: 'reboot if required', ok: true });
    expect(fake.sessions[0]!.closed).toBe(true);
    expect(fake.opens).toBe(4); // the first session, two refused attempts, the one that answered
    expect(clock.slept).toEqual([5_000, 10_000, 20_000]);
  });

  it('fails when the host comes back with the same boot id', async () => {
    const fake = new FakeHost(false);
    const clock = fakeClock();
    const result = await runPlaybook({ executor: fake, host: remote, playbook, dryRun: false, log, clock });
    expect(result).toMatchObject({ ok: false, rebooted: false, failedStep: 'reboot if required' });
    expect(result.steps[0]!.error).toBe('boot id unchanged after 600s (boot-1): the host did not reboot');
    expect(clock.now()).toBe(600_000);
  });

  it('fails when the host does not come back in time', async () => {
    const fake = new FakeHost(true, 1_000);
    const result = await runPlaybook({ executor: fake, host: remote, playbook, dryRun: false, log, clock: fakeClock() });
    expect(result.ok).toBe(false);
    expect(result.steps[0]!.error).toMatch(/^the host did not come back within 600s: web-1: connect ECONNREFUSED/);
  });

  it('does not reboot when none is required', async () => {
    const fake = new FakeHost();
    fake.required = 'not-required';
    const result = await runPlaybook({ executor: fake, host: remote, playbook, dryRun: false, log, clock: fakeClock() });
    expect(result).toMatchObject({ ok: true, rebooted: false });
    expect(result.steps[0]!.skipped).toBe('no reboot required');
    expect(fake.log).toEqual([]);
  });

  it('fails when the check says neither required nor not-required', async () => {
    const fake = new FakeHost();
    fake.required = 'maybe';
    const result = await runPlaybook({ executor: fake, host: remote, playbook, dryRun: false, log, clock: fakeClock() });
    expect(result.ok).toBe(false);
    expect(result.steps[0]!.error).toMatch(/^could not tell whether a reboot is required: the check printed "maybe"/);
  });

  it('refuses a required reboot of a local host', async () => {
    const fake = new FakeHost();
    const local = Host.parse({ ...remote, connection: 'local' });
    const result = await runPlaybook({ executor: fake, host: local, playbook, dryRun: false, log, clock: fakeClock() });
    expect(result.ok).toBe(false);
    expect(result.steps[0]!.error).toMatch(/^a reboot is required, but patchbot never reboots the machine it runs on/);
    expect(fake.log).toEqual([]);
  });

  it('runs later steps and smoke checks on the new session', async () => {
    const fake = new FakeHost();
    const result = await runPlaybook({ executor: fake, host: remote, playbook: withStep, dryRun: false, log, clock: fakeClock() });
    expect(result.ok).toBe(true);
    expect(fake.log).toEqual(['echo before on session 0', 'reboot on session 0', 'echo after on session 1', 'echo smoke on session 1']);
    expect(fake.sessions.every((s) => s.closed)).toBe(true);
  });

  it('uses the Windows commands on Windows hosts', async () => {
    const fake = new FakeHost();
    const windows = Host.parse({ ...remote, os: 'windows' });
    const result = await runPlaybook({ executor: fake, host: windows, playbook, dryRun: false, log, clock: fakeClock() });
    expect(result).toMatchObject({ ok: true, rebooted: true });
    expect(result.steps[0]!.command).toContain('shutdown.exe /r /t 5');
    expect(rebootCommands('windows').bootId.command).toMatch(/^powershell\.exe .* -EncodedCommand /);
  });

  it('needs an executor to reconnect', async () => {
    const fake = new FakeHost();
    const session = await fake.open(remote);
    const result = await runPlaybook({ session, host: remote, playbook, dryRun: false, log, clock: fakeClock() });
    expect(result.ok).toBe(false);
    expect(result.steps[0]!.error).toMatch(/needs an executor/);
  });
});
