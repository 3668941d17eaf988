import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanHost } from '../../src/discovery/scan-host.ts';
import type { JobQueue } from '../../src/jobs/job-queue.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { type FreshStore, freshPglite } from '../support/engines.ts';
import { estateHost } from '../support/estate-scans.ts';

/**
 * From apt's output to the stored findings: a scan hands the writers the version the host runs
 * (the Inst line's `[installed]`), so a version that drops out of the next report for a newer one
 * is installed when the host has it and superseded when it does not. The real parser, scanHost
 * and the scan writer over a fresh PGlite; the scan output is the Debian fixture with the lines given.
 */
const FIXTURE = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'scans', 'debian12-scan.txt'), 'utf8');
const aptSays = (...insts: string[]) =>
  FIXTURE.replace(
    /### patchbot:apt-simulate\n[\s\S]*?### patchbot:reboot/,
    `### patchbot:apt-simulate\nReading package lists...\n${insts.length} upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n${insts.join('\n')}\n### patchbot:reboot`,
  );
const inst = (installed: string, candidate: string) => `Inst libbar1 [${installed}] (${candidate} Debian-Security:12/oldstable-security [amd64])`;
const day = (n: number) => new Date(Date.UTC(2026, 10, n, 12));

describe('a scan tells installed from superseded by the version the host runs', () => {
  let opened: FreshStore;
  beforeEach(async () => {
    opened = await freshPglite();
    await opened.store.hosts.sync([estateHost('web-01', 'prod-web')]);
  });
  afterEach(() => opened.store.close());

  const scan = async (n: number, stdout: string) => {
    const queue = { send: async () => null } as unknown as JobQueue;
    await opened.store.scans.start(`s${n}`, 'test', ['web-01'], day(n));
    const result = await scanHost(
      { store: opened.store, queue, runScan: async () => ({ stdout }), log: createLogger({ level: 'silent' }), now: () => day(n) },
      { scanId: `s${n}`, host: 'web-01' },
    );
    expect(result.outcome).toBe('ok');
  };
  const findings = async () => (await opened.store.findings.byHost('web-01')).map((f) => [f.patchId, f.state, f.supersededBy ?? null, f.firstSeen.toISOString().slice(0, 10)]);

  it('the host got 1.1-1 before the mirror published 1.2-1: installed, and 1.2-1 starts its own clock', async () => {
    await scan(1, aptSays(inst('1.0-1', '1.1-1')));
    await scan(5, aptSays(inst('1.1-1', '1.2-1')));
    expect(await findings()).toEqual([
      ['deb:libbar1@1.1-1', 'installed', null, '2026-11-01'],
      ['deb:libbar1@1.2-1', 'missing', null, '2026-11-05'],
    ]);
  });

  it('the mirror replaced 1.1-1 while the host ran 1.0-1: superseded, and 1.2-1 keeps the clock', async () => {
    await scan(1, aptSays(inst('1.0-1', '1.1-1')));
    await scan(5, aptSays(inst('1.0-1', '1.2-1')));
    expect(await findings()).toEqual([
      ['deb:libbar1@1.1-1', 'superseded', 'deb:libbar1@1.2-1', '2026-11-01'],
      ['deb:libbar1@1.2-1', 'missing', null, '2026-11-01'],
    ]);
  });
});
