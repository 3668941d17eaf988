import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LocalExecutor } from '../../adapters/local/local-executor.ts';
import { Host } from '../../src/inventory/host.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { PlaybookChoiceError } from '../../src/playbooks/errors.ts';
import { Playbook } from '../../src/playbooks/playbook.ts';
import { runPlaybook, runRollback } from '../../src/playbooks/run-playbook.ts';
import type { StepRecord } from '../../src/playbooks/run-types.ts';
import { until } from '../support/until.ts';

const log = createLogger({ level: 'silent' });
const host = Host.parse({ name: 'this-machine', address: '127.0.0.1', os: 'debian', connection: 'local' });
const executor = new LocalExecutor();
const dir = mkdtempSync(join(tmpdir(), 'patchbot-run-'));
afterAll(async () => {
  await executor.close();
  rmSync(dir, { recursive: true, force: true });
});

/** `dir` is a parameter, so the tests also exercise rendering; the pattern admits temp paths only. */
const book = (name: string, steps: string, extra = '') =>
  Playbook.parse(
    parse(`name: ${name}
description: test
os: [debian, rhel]
params:
  dir: { type: string, pattern: '^/[A-Za-z0-9/._-]+$' }
steps:
${steps}
${extra}`),
  );

const run = (playbook: Playbook, options: { dryRun?: boolean; onStep?: (r: StepRecord) => void } = {}) =>
  runPlaybook({ executor, host, playbook, params: { dir }, dryRun: options.dryRun ?? false, log, retryDelayMs: () => 0, ...(options.onStep ? { onStep: options.onStep } : {}) });

describe('runPlaybook over the local executor', () => {
  it('records each step, reuses one session, and stops at the first failure', async () => {
    const seen: string[] = [];
    const result = await run(
      book(
        'apply-stop',
        `
  - { name: first, run: 'echo one; echo warn >&2' }
  - { name: second, run: 'exit 4' }
  - { name: third, run: 'touch {{dir}}/third' }`,
      ),
      { onStep: (r) => seen.push(r.name) },
    );
    expect(result).toMatchObject({ playbook: 'apply-stop', host: 'this-machine', ok: false, dryRun: false, executed: true, failedStep: 'second', rebooted: false });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]).toMatchObject({
      name: 'first',
      ok: true,
      exitCode: 0,
      stdoutTail: 'one\n',
      stderrTail: 'warn\n',
      attempts: 1,
      truncated: false,
      command: 'echo one; echo warn >&2',
    });
    expect(result.steps[1]).toMatchObject({ name: 'second', ok: false, exitCode: 4, attempts: 1, error: 'exited with 4' });
    expect(seen).toEqual(['first', 'second']);
    expect(existsSync(join(dir, 'third'))).toBe(false);
  });

  it('retries a failing step: exit 1 with retries 2 runs three times', async () => {
    const result = await run(book('apply-retry', `  - { name: always fails, run: 'echo try >> {{dir}}/tries; exit 1', retries: 2 }`));
    expect(result.steps[0]).toMatchObject({ ok: false, exitCode: 1, attempts: 3 });
    expect(readFileSync(join(dir, 'tries'), 'utf8')).toBe('try\ntry\ntry\n');
  });

  it('stops retrying once a step succeeds (a counter file makes attempt 2 pass)', async () => {
    const counter = `  - name: flaky
    run: |
      n=$(cat {{dir}}/counter 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > {{dir}}/counter
      [ "$n" -ge 2 ]
    retries: 5`;
    const result = await run(book('apply-flaky', counter));
    expect(result.ok).toBe(true);
    expect(result.steps[0]).toMatchObject({ ok: true, exitCode: 0, attempts: 2 });
  });

  it('kills a step at its timeout and retries it', async () => {
    const result = await run(book('apply-slow', `  - { name: slow, run: 'sleep 5', timeout: 200ms, retries: 1 }`));
    expect(result.ok).toBe(false);
    expect(result.steps[0]).toMatchObject({ ok: false, exitCode: null, attempts: 2, errorKind: 'timeout' });
    expect(result.steps[0]!.error).toMatch(/killed after 200 ms/);
    // Two attempts left to run would take 10 s; the bound only tells "killed" from "never fired" on a loaded machine.
    expect(result.steps[0]!.durationMs).toBeLessThan(9_000);
  });

  it('stops when its signal aborts: the step in flight is killed, nothing after it runs, the run says why', async () => {
    const controller = new AbortController();
    const playbook = book(
      'apply-stopped',
      `
  - { name: slow, run: 'touch {{dir}}/stop-first; sleep 30', retries: 2 }
  - { name: next, run: 'touch {{dir}}/stop-second' }`,
      `smoke:
  - { name: check, run: 'touch {{dir}}/stop-smoke' }`,
    );
    const running = runPlaybook({ executor, host, playbook, params: { dir }, dryRun: false, log, retryDelayMs: () => 0, signal: controller.signal });
    await until('the first step to run', () => existsSync(join(dir, 'stop-first')), 10_000);
    controller.abort(new Error('its lease was lost'));
    const result = await running;
    expect(result).toMatchObject({ ok: false, stopped: 'its lease was lost', failedStep: 'slow' });
    expect(result.steps).toHaveLength(1);
    // Killed once, not retried: a stop is not a failure to try again.
    expect(result.steps[0]).toMatchObject({ name: 'slow', ok: false, exitCode: null, attempts: 1, errorKind: 'stopped' });
    expect(result.smoke).toEqual([]);
    expect(existsSync(join(dir, 'stop-second'))).toBe(false);
    expect(existsSync(join(dir, 'stop-smoke'))).toBe(false);
    // An already aborted signal runs nothing at all.
    const none = await runPlaybook({ executor, host, playbook, params: { dir }, dryRun: false, log, signal: controller.signal });
    expect(none).toMatchObject({ ok: false, stopped: 'its lease was lost', steps: [] });
  });

  it('skips a step whose when.os does not match, and says why', async () => {
    const result = await run(
      book(
        'apply-when',
        `
  - { name: rhel only, run: 'touch {{dir}}/rhel', when: { os: [rhel] } }
  - { name: debian only, run: 'touch {{dir}}/debian', when: { os: [debian] } }`,
      ),
    );
    expect(result.ok).toBe(true);
    expect(result.steps[0]).toMatchObject({ name: 'rhel only', ok: true, attempts: 0, skipped: 'when.os is rhel; this host is debian' });
    expect(existsSync(join(dir, 'rhel'))).toBe(false);
    expect(existsSync(join(dir, 'debian'))).toBe(true);
  });

  it('caps output to a tail and marks it truncated', async () => {
    const result = await runPlaybook({ executor, host, playbook: book('apply-loud', `  - { name: loud, run: 'seq 1 100000' }`), params: { dir }, dryRun: false, log, maxOutputBytes: 1024 });
    expect(result.steps[0]).toMatchObject({ ok: true, truncated: true });
    expect(result.steps[0]!.stdoutTail.endsWith('99999\n100000\n')).toBe(true);
    expect(Buffer.byteLength(result.steps[0]!.stdoutTail)).toBeLessThanOrEqual(1024);
  });

  it('runs smoke checks after the steps; a failed one makes the run not ok', async () => {
    const result = await run(
      book(
        'apply-smoke',
        `  - { name: change, run: 'true' }`,
        `smoke:
  - run: 'true'
  - { name: broken service, run: 'echo down; exit 3' }
  - run: 'echo still checked'`,
      ),
    );
    expect(result).toMatchObject({ ok: false, smokeFailed: true });
    expect(result.failedStep).toBeUndefined();
    expect(result.smoke.map((s) => [s.name, s.ok])).toEqual([
      ['true', true],
      ['broken service', false],
      ['echo still checked', true],
    ]);
  });

  it('dry run executes nothing of an apply playbook and records what would run', async () => {
    const apply = book(
      'apply-dry',
      `  - { name: change things, run: 'touch {{dir}}/side-effect' }
  - reboot: if-required`,
      `smoke:\n  - run: 'touch {{dir}}/smoke-effect'`,
    );
    const result = await run(apply, { dryRun: true });
    expect(existsSync(join(dir, 'side-effect'))).toBe(false);
    expect(existsSync(join(dir, 'smoke-effect'))).toBe(false);
    expect(result).toMatchObject({ ok: true, dryRun: true, executed: false });
    expect(result.steps[0]).toMatchObject({ ok: true, attempts: 0, exitCode: null, skipped: `would run: touch '${dir}'/side-effect` });
    expect(result.steps[1]!.skipped).toMatch(/^would reboot if the host says one is required; this host is local/);
    expect(result.smoke[0]!.skipped).toBe(`would run: touch '${dir}'/smoke-effect`);
  });

  it('dry run still runs a read-only playbook', async () => {
    const result = await run(book('smoke-dry', `  - { name: look, run: 'echo ran-for-real' }`), { dryRun: true });
    expect(result).toMatchObject({ ok: true, dryRun: true, executed: true });
    expect(result.steps[0]).toMatchObject({ stdoutTail: 'ran-for-real\n', attempts: 1 });
  });

  it('never reboots the local machine', async () => {
    const reboot = Playbook.parse(parse('name: reboot\ndescription: d\nos: [debian]\nsteps: [{ reboot: always }]\n'));
    const result = await runPlaybook({ executor, host, playbook: reboot, dryRun: false, log });
    expect(result).toMatchObject({ ok: false, rebooted: false, failedStep: 'reboot' });
    expect(result.steps[0]!.error).toMatch(/never reboots the machine it runs on \(this-machine has connection: local\)/);
    // The dry run shows the same refusal, so it is seen before the window opens.
    const dry = await runPlaybook({ executor, host, playbook: reboot, dryRun: true, log });
    expect(dry.ok).toBe(false);
  });

  it('refuses a playbook for another os before connecting', async () => {
    const windows = Playbook.parse(parse("name: smoke-win\ndescription: d\nos: [windows]\nsteps: [{ name: x, run: 'hostname' }]\n"));
    await expect(runPlaybook({ executor, host, playbook: windows, dryRun: false, log })).rejects.toBeInstanceOf(PlaybookChoiceError);
  });

  it('runs inline rollback steps with the apply playbook params and smoke checks', async () => {
    const apply = book('apply-rb', `  - { name: change, run: 'true' }`, `rollback:\n  - { name: undo, run: 'touch {{dir}}/undone' }`);
    const result = await runRollback({ executor, host, playbook: apply, params: { dir }, dryRun: false, log });
    expect(result).toMatchObject({ playbook: 'apply-rb#rollback', ok: true });
    expect(existsSync(join(dir, 'undone'))).toBe(true);
  });
});
