import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalExecutor } from '../../adapters/local/local-executor.ts';
import { parseDnfScan } from '../../src/discovery/parsers/dnf.ts';
import { Host } from '../../src/inventory/host.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { getPlaybook, rollbackFor } from '../../src/playbooks/catalog.ts';
import { loadPlaybooks, type PlaybookCatalog } from '../../src/playbooks/load-playbooks.ts';
import type { Playbook } from '../../src/playbooks/playbook.ts';
import { runPlaybook } from '../../src/playbooks/run-playbook.ts';
import { scanStdout } from '../../src/playbooks/run-scan.ts';

/**
 * The shipped Linux playbooks on this machine, with the package tools replaced by stubs on PATH
 * (the executor passes PATH and nothing else, so stubs have their paths baked in). What is under
 * test is the playbooks' own shell: the section framing, the record / diff / restore files and the
 * arguments the tools receive.
 */
const log = createLogger({ level: 'silent' });
const stubs = mkdtempSync(join(tmpdir(), 'patchbot-stubs-'));
const executor = new LocalExecutor({ baseEnv: { ...process.env, PATH: `${stubs}:${process.env.PATH}` } });
const change = `test-${process.pid}-${Date.now()}`;
/** The apply playbooks' record directory for a change, on this machine (root runs the tests here). */
const records = (id: string) => `/var/lib/patchbot/${id}`;
let catalog: PlaybookCatalog;

const stub = (name: string, body: string) => {
  writeFileSync(join(stubs, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(stubs, name), 0o755);
};
/** Run without reboot steps: whether this machine wants a reboot is not under test here. */
const withoutReboot = (book: Playbook): Playbook => ({ ...book, steps: book.steps.filter((s) => s.kind !== 'reboot') });

beforeAll(async () => {
  catalog = await loadPlaybooks(join(import.meta.dirname, '..', '..', 'playbooks'));
  stub('systemctl', `case "$1" in is-system-running) echo running ;; esac`);
  stub('apt-get', `echo "apt-get $*" >> ${stubs}/apt-get.log`);
  stub('apt-cache', `printf '%s:\\n  Candidate: %s\\n' "$2" "$(cat ${stubs}/apt-offer)"`);
  stub('apt-config', `echo "ARCHIVES='${stubs}/archives/'"`);
  // The whole package list for the record; a single package's version (the approval check) is "not installed".
  stub('dpkg-query', `case "$*" in *Status-Abbrev*) cat ${stubs}/dpkg-state ;; *) exit 1 ;; esac`);
  stub(
    'rpm',
    [
      'case "$1" in',
      `  -qa) cat ${stubs}/rpm-state ;;`,
      // -q --qf <format> <name>: the keep step asks for NEVRAs (its format has EPOCHNUM), the approval check for N-[E:]V-R.
      `  -q) case "$3" in *EPOCHNUM*) grep "^$4-[0-9]*:" ${stubs}/rpm-state ;; *) grep "^$4-[0-9]*:" ${stubs}/rpm-state | sed -e 's/-0:/-/' -e 's/\\.[a-z0-9_]*$//' ;; esac ;;`,
      'esac',
    ].join('\n'),
  );
  stub(
    'dnf',
    [
      'case "$*" in',
      "  *--with-cve*) echo 'CVE-2024-2961 Important/Sec. glibc-2.34-100.el9_4.2.x86_64' ;;",
      "  *'updateinfo list'*) echo 'RHSA-2024:3339 Important/Sec. glibc-2.34-100.el9_4.2.x86_64' ;;",
      "  *check-update*) printf '\\nglibc.x86_64    2.34-100.el9_4.2    baseos\\n'; exit 100 ;;",
      "  *needs-restarting*) echo 'Reboot is required to fully utilize these updates.'; exit 1 ;;",
      `  *repoquery*--latest-limit*) cat ${stubs}/dnf-offer ;;`,
      "  *repoquery*--upgrades*) echo 'glibc.x86_64' ;;",
      // dnf -q download --destdir <dir> <name-epoch:version-release.arch>: the file is name-version-release.arch.rpm.
      '  *download*) f=$5; n=${f%-*:*}; touch "$4/$n-${f#"$n"-*:}.rpm" ;;',
      '  *) echo "dnf $*" >> ' + `${stubs}/dnf.log ;;`,
      'esac',
    ].join('\n'),
  );
});
afterAll(async () => {
  await executor.close();
  rmSync(stubs, { recursive: true, force: true });
  for (const id of [change, `${change}-rhel`, `${change}-rhel-superseded`, `${change}-rhel-planted`]) rmSync(records(id), { recursive: true, force: true });
});

const dpkgState = (lines: string[]) => writeFileSync(join(stubs, 'dpkg-state'), lines.map((l) => `ii  ${l}\n`).join(''));

describe('shipped playbooks, package tools stubbed', () => {
  it('scan-rhel frames dnf output (exit 100 included) the way the dnf parser reads it', async () => {
    const host = Host.parse({ name: 'db-02', address: '127.0.0.1', os: 'rocky', connection: 'local' });
    const run = await runPlaybook({ executor, host, playbook: getPlaybook(catalog, 'scan-rhel'), dryRun: true, log });
    expect(run.ok, run.steps[0]?.stderrTail).toBe(true);
    const parsed = parseDnfScan(host.name, scanStdout(run));
    expect(parsed.patches.map((p) => [p.id, p.cves])).toEqual([['RHSA-2024:3339', ['CVE-2024-2961']]]);
    expect(parsed.rebootRequired).toBe(true);
  });

  it('apply-debian-packages records every installed version in a private directory, then installs exactly name=version', async () => {
    dpkgState(['openssl=3.0.11-1~deb12u2', 'libssl3:amd64=3.0.11-1~deb12u2', 'bash=5.2.15-2+b2']);
    writeFileSync(join(stubs, 'apt-offer'), '3.0.13-1~deb12u1');
    const host = Host.parse({ name: 'web-1', address: '127.0.0.1', os: 'debian', connection: 'local' });
    const apply = getPlaybook(catalog, 'apply-debian-packages');
    const packages = ['openssl=3.0.13-1~deb12u1', 'libssl3=3.0.13-1~deb12u1'];
    const run = await runPlaybook({ executor, host, playbook: withoutReboot(apply), params: { packages, change }, dryRun: false, log });
    expect(run.ok, JSON.stringify(run.steps.map((s) => s.stderrTail))).toBe(true);
    expect(readFileSync(`${records(change)}/before`, 'utf8')).toBe('bash=5.2.15-2+b2\nlibssl3:amd64=3.0.11-1~deb12u2\nopenssl=3.0.11-1~deb12u2\n');
    expect(statSync(records(change)).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(stubs, 'apt-get.log'), 'utf8').split('\n')).toContain(
      'apt-get install -y --only-upgrade -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold openssl=3.0.13-1~deb12u1 libssl3=3.0.13-1~deb12u1',
    );
    expect(run.smoke).toMatchObject([{ ok: true, stdoutTail: 'system state: running\n' }]);

    // A re-run keeps the first record: "before" must never become the half-upgraded state.
    dpkgState(['openssl=3.0.13-1~deb12u1', 'libssl3:amd64=3.0.13-1~deb12u1', 'bash=5.2.15-2+b2']);
    await runPlaybook({ executor, host, playbook: withoutReboot(apply), params: { packages: ['openssl=3.0.13-1~deb12u1'], change }, dryRun: false, log });
    expect(readFileSync(`${records(change)}/before`, 'utf8')).toContain('openssl=3.0.11-1~deb12u2');

    // The rollback reinstalls exactly the versions that changed, each line one argument.
    rmSync(join(stubs, 'apt-get.log'));
    const rollback = rollbackFor(catalog, apply);
    expect(rollback.name).toBe('rollback-debian');
    const undo = await runPlaybook({ executor, host, playbook: withoutReboot(rollback), params: { change }, dryRun: false, log });
    expect(undo.ok, JSON.stringify(undo.steps.map((s) => s.stderrTail))).toBe(true);
    expect(undo.steps[0]!.stdoutTail).toBe('2 packages to restore:\nlibssl3:amd64=3.0.11-1~deb12u2\nopenssl=3.0.11-1~deb12u2\n');
    expect(readFileSync(join(stubs, 'apt-get.log'), 'utf8')).toBe(
      'apt-get install -y --allow-downgrades -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold libssl3:amd64=3.0.11-1~deb12u2 openssl=3.0.11-1~deb12u2\n',
    );
  });

  it('rollback-debian fails clearly when the change never recorded this host', async () => {
    const host = Host.parse({ name: 'web-1', address: '127.0.0.1', os: 'debian', connection: 'local' });
    const run = await runPlaybook({ executor, host, playbook: getPlaybook(catalog, 'rollback-debian'), params: { change: `${change}-never` }, dryRun: false, log });
    expect(run).toMatchObject({ ok: false, failedStep: 'work out what changed' });
    expect(run.steps[0]!.stderrTail).toMatch(/no record \/var\/lib\/patchbot\/.*-never\/before: the change did not get to record this host/);
    expect(existsSync(records(`${change}-never`))).toBe(false);
  });

  it('apply-rhel-advisories installs the advisories minimally and the exact package versions, keeping the replaced rpms for the rollback', async () => {
    const host = Host.parse({ name: 'db-02', address: '127.0.0.1', os: 'rhel', connection: 'local' });
    const id = `${change}-rhel`;
    writeFileSync(join(stubs, 'rpm-state'), 'glibc-0:2.34-100.el9.x86_64\n');
    writeFileSync(join(stubs, 'dnf-offer'), 'glibc-2.34-100.el9_4.2\n');
    rmSync(join(stubs, 'dnf.log'), { force: true });
    const book = withoutReboot(getPlaybook(catalog, 'apply-rhel-advisories'));
    const run = await runPlaybook({
      executor,
      host,
      playbook: book,
      params: { advisories: ['RHSA-2024:3339', 'RHBA-2024:3316'], packages: ['glibc-2.34-100.el9_4.2'], change: id },
      dryRun: false,
      log,
    });
    expect(run.ok, JSON.stringify(run.steps.map((s) => s.stderrTail))).toBe(true);
    expect(readFileSync(join(stubs, 'dnf.log'), 'utf8')).toBe('dnf -y upgrade-minimal --advisory=RHSA-2024:3339 --advisory=RHBA-2024:3316\ndnf -y upgrade glibc-2.34-100.el9_4.2\n');
    expect(readdirSync(`${records(id)}/rpms`)).toEqual(['glibc-2.34-100.el9.x86_64.rpm']);

    // The rollback downgrades from the kept file, not from whatever the repositories still carry.
    writeFileSync(join(stubs, 'rpm-state'), 'glibc-0:2.34-100.el9_4.2.x86_64\n');
    rmSync(join(stubs, 'dnf.log'));
    const undo = await runPlaybook({ executor, host, playbook: withoutReboot(rollbackFor(catalog, book)), params: { change: id }, dryRun: false, log });
    expect(undo.ok, JSON.stringify(undo.steps.map((s) => s.stderrTail))).toBe(true);
    expect(readFileSync(join(stubs, 'dnf.log'), 'utf8')).toBe(`dnf -y downgrade ${records(id)}/rpms/glibc-2.34-100.el9.x86_64.rpm\n`);
  });

  it('apply-rhel-advisories fails the host when the approved version was superseded, and installs nothing', async () => {
    const host = Host.parse({ name: 'db-02', address: '127.0.0.1', os: 'rhel', connection: 'local' });
    writeFileSync(join(stubs, 'rpm-state'), 'glibc-0:2.34-100.el9.x86_64\n');
    writeFileSync(join(stubs, 'dnf-offer'), 'glibc-2.34-100.el9_4.3\n');
    rmSync(join(stubs, 'dnf.log'), { force: true });
    const book = withoutReboot(getPlaybook(catalog, 'apply-rhel-advisories'));
    const run = await runPlaybook({ executor, host, playbook: book, params: { packages: ['glibc-2.34-100.el9_4.2'], change: `${change}-rhel-superseded` }, dryRun: false, log });
    expect(run).toMatchObject({ ok: false, failedStep: 'check the approved versions are still offered' });
    expect(run.steps[1]!.stderrTail).toContain("approved glibc-2.34-100.el9_4.2, the host's repositories now offer glibc-2.34-100.el9_4.3");
    expect(existsSync(join(stubs, 'dnf.log'))).toBe(false);
  });

  it('the RHEL rollback refuses a record with anything but NEVRAs in it', async () => {
    const host = Host.parse({ name: 'db-02', address: '127.0.0.1', os: 'rhel', connection: 'local' });
    const id = `${change}-rhel-planted`;
    mkdirSync(records(id), { recursive: true, mode: 0o700 });
    writeFileSync(`${records(id)}/before`, '--setopt=tsflags=noscripts\nglibc-0:2.34-100.el9.x86_64\n', { mode: 0o600 });
    rmSync(join(stubs, 'dnf.log'), { force: true });
    const book = withoutReboot(getPlaybook(catalog, 'apply-rhel-advisories'));
    const undo = await runPlaybook({ executor, host, playbook: withoutReboot(rollbackFor(catalog, book)), params: { change: id }, dryRun: false, log });
    expect(undo.ok).toBe(false);
    expect(undo.steps[0]!.stderrTail).toMatch(/1 line\(s\) are not name-epoch:version-release\.arch/);
    expect(existsSync(join(stubs, 'dnf.log'))).toBe(false);
  });

  it('smoke-http refuses a URL outside its pattern', async () => {
    const host = Host.parse({ name: 'web-1', address: '127.0.0.1', os: 'debian', connection: 'local' });
    const smoke = getPlaybook(catalog, 'smoke-http');
    await expect(runPlaybook({ executor, host, playbook: smoke, params: { url: 'http://x/ -o /etc/passwd' }, dryRun: false, log })).rejects.toThrow(
      /parameter url: "http:\/\/x\/ -o \/etc\/passwd" does not match the pattern/,
    );
    await expect(runPlaybook({ executor, host, playbook: smoke, params: { url: 'file:///etc/passwd' }, dryRun: false, log })).rejects.toThrow(/does not match/);
  });
});
