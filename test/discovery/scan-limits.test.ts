import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { scanAndAudit } from '../../src/discovery/discovery-jobs.ts';
import { platform } from '../support/platform.ts';
import type { StoreHandle } from '../../src/platform.ts';
import { type Runtime, startRuntime } from '../../src/service/runtime.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { until } from '../support/until.ts';

/**
 * A hostile host floods its scan: the real runtime scans it (local executor, a scan playbook that
 * prints the host's output), and the scan of that host fails with the reason instead of adding
 * invented "security" patches to the catalog. An honest host in the same scan is stored as usual.
 */
const dir = mkdtempSync(join(tmpdir(), 'patchbot-scan-limits-'));
const FIXTURE = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'scans', 'debian12-scan.txt'), 'utf8');
/** The fixture with `lines` invented upgrades, its summary line agreeing (apt's parser checks it). */
const flood = (lines: number) =>
  FIXTURE.replace(/^135 upgraded,/m, `${135 + lines} upgraded,`).replace(
    '### patchbot:reboot',
    `${Array.from({ length: lines }, (_, i) => `Inst fake${i} [1.0-1] (1.0-2 Debian-Security:12/stable-security [amd64])`).join('\n')}\n### patchbot:reboot`,
  );

let runtime: Runtime;
let handle: StoreHandle;
beforeAll(async () => {
  writeFileSync(join(dir, 'honest.txt'), FIXTURE);
  // Each host's os picks the scan playbook, and so the output it "prints": the debian host is
  // honest, the ubuntu one hostile.
  const replay = (name: string, os: string, file: string) =>
    writeFileSync(
      join(dir, `${name}.yaml`),
      `name: ${name}\ndescription: prints a captured scan (test)\nos: [${os}]\nparser: apt\nsteps:\n  - name: replay\n    run: cat ${join(dir, file)}\n`,
    );
  replay('scan-debian', 'debian', 'honest.txt');
  replay('scan-ubuntu', 'ubuntu', 'hostile.txt');
  const config = (
    await loadConfig({
      files: [],
      env: {
        PATCHBOT__store__url: 'pglite://memory',
        PATCHBOT__log__level: 'silent',
        PATCHBOT__schedules__discovery: 'null',
        PATCHBOT__playbooks__dir: dir,
        PATCHBOT__execution__scanLimits: '{maxLines: 50000, maxPatches: 500, maxWarnings: 200}',
        PATCHBOT__inventory__hosts: '[{name: honest, address: 127.0.0.1, os: debian, connection: local}, {name: hostile, address: 127.0.0.1, os: ubuntu, connection: local}]',
        PATCHBOT__inventory__groups: '[{name: all, members: [honest, hostile]}]',
      },
      cwd: dir,
    })
  ).config;
  handle = await platform.openStore(config.store.url, { migrate: true });
  runtime = await startRuntime({ config, platform, log: createLogger({ level: 'silent' }), handle, workers: true });
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a scan over its caps', () => {
  const scan = async () => {
    const { scanId } = await scanAndAudit(runtime.scan, { hosts: ['honest', 'hostile'], requestedBy: 'test' });
    await until('the scan to finish', async () => (await runtime.store.scans.progress(scanId))?.finishedAt);
    return new Map((await runtime.store.scans.latestPerHost()).map((s) => [s.host, s]));
  };
  const invented = async () => (await runtime.store.patches.list()).filter((p) => p.id.startsWith('deb:fake'));

  it('fails the host whose output has too many lines, stores nothing of it, and stores the honest host', async () => {
    writeFileSync(join(dir, 'hostile.txt'), flood(100_000));
    const latest = await scan();
    expect(latest.get('hostile')).toMatchObject({
      outcome: 'failed',
      error: expect.stringMatching(/^the scan output is too large: 100,\d{3} lines, over the limit of 50,000 \(execution\.scanLimits\)/),
    });
    expect(latest.get('honest')).toMatchObject({ outcome: 'ok' });
    expect((await runtime.store.patches.list()).length).toBeGreaterThan(100);
    expect(await invented()).toEqual([]);
    expect(await runtime.store.findings.byHost('hostile')).toEqual([]);
  }, 120_000);

  it('fails the host that reports more patches than the cap, within the line cap', async () => {
    writeFileSync(join(dir, 'hostile.txt'), flood(600));
    const latest = await scan();
    expect(latest.get('hostile')).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/^the scan output is too large: \d{3} patches, over the limit of 500/) });
    expect(await invented()).toEqual([]);
  }, 120_000);
});
