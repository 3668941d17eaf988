import { describe, expect, it } from 'vitest';
import type { Finding } from '../../discovery/patch.ts';
import { stillNeeded } from './still-needed.ts';

/** Which of a change's patches a host still has to get, from its findings: table in, patch ids out. */
const T1 = new Date('2026-12-01T00:00:00Z');
const T2 = new Date('2026-12-02T00:00:00Z');
const finding = (patchId: string, state: Finding['state'], supersededBy?: string): Finding => ({
  host: 'web-01',
  patchId,
  state,
  firstSeen: T1,
  lastSeen: T2,
  scanId: 's',
  ...(supersededBy ? { supersededBy } : {}),
});
const APPROVED = 'deb:libbar1@1.1-1';
const NEWER = 'deb:libbar1@1.2-1';
const NEWEST = 'deb:libbar1@1.3-1';

describe('stillNeeded', () => {
  it.each<[string, Finding[], string[]]>([
    ['missing: needed', [finding(APPROVED, 'missing')], [APPROVED]],
    ['failed: needed', [finding(APPROVED, 'failed')], [APPROVED]],
    ['no finding: never needed', [], []],
    ['installed: not needed', [finding(APPROVED, 'installed'), finding(NEWER, 'missing')], []],
    ['pending a reboot: not needed again', [finding(APPROVED, 'pending-reboot')], []],
    // The mirror replaced it before the host got it: the apply playbook says so and fails the host.
    ['superseded, the newer one missing: still needed', [finding(APPROVED, 'superseded', NEWER), finding(NEWER, 'missing')], [APPROVED]],
    ['superseded, the newer one gone from the store: still needed', [finding(APPROVED, 'superseded', NEWER)], [APPROVED]],
    ['superseded, the newer one installed since: not needed', [finding(APPROVED, 'superseded', NEWER), finding(NEWER, 'installed')], []],
    ['superseded, the newer one awaiting a reboot: not needed', [finding(APPROVED, 'superseded', NEWER), finding(NEWER, 'pending-reboot')], []],
    ['superseded twice, the newest installed: not needed', [finding(APPROVED, 'superseded', NEWER), finding(NEWER, 'superseded', NEWEST), finding(NEWEST, 'installed')], []],
    ['superseded twice, the newest missing: still needed', [finding(APPROVED, 'superseded', NEWER), finding(NEWER, 'superseded', NEWEST), finding(NEWEST, 'missing')], [APPROVED]],
    ['a loop of supersessions (never written, never followed forever): still needed', [finding(APPROVED, 'superseded', NEWER), finding(NEWER, 'superseded', APPROVED)], [APPROVED]],
    ['rpm alike', [finding('rpm:glibc@2.34-100.el9', 'superseded', 'rpm:glibc@2.34-101.el9'), finding('rpm:glibc@2.34-101.el9', 'missing')], ['rpm:glibc@2.34-100.el9']],
    // A KB whose successor the scans named (UpdateIDs): as a package version.
    ['a KB superseded by one the host installed since: not needed', [finding('KB5034441', 'superseded', 'KB5036893'), finding('KB5036893', 'installed')], []],
    ['a KB superseded by one still missing: still needed', [finding('KB5034441', 'superseded', 'KB5036893'), finding('KB5036893', 'missing')], ['KB5034441']],
    ['a KB superseded with no successor named: still needed', [finding('KB5034441', 'superseded')], ['KB5034441']],
  ])('%s', (_, findings, expected) => {
    expect(stillNeeded([APPROVED, 'rpm:glibc@2.34-100.el9', 'DSA-5600-1', 'KB5034441'], findings)).toEqual(expected);
  });

  it('keeps to the change: a patch it did not approve is not its business', () => {
    expect(stillNeeded(['deb:other@1'], [finding(APPROVED, 'missing'), finding('deb:x@1', 'superseded', 'deb:x@2')])).toEqual([]);
  });
});
