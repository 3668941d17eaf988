import { describe, expect, it } from 'vitest';
import type { Finding } from '../../discovery/patch.ts';
import { stillNeeded } from './still-needed.ts';

/** Which of a change's patches a host still has to get, from its findings: table in, patch ids out. */
const T1 = new Date('2026-12-01T00:00:00Z');
const T2 = new Date('2026-12-02T00:00:00Z');
const T3 = new Date('2026-12-03T00:00:00Z');
const finding = (patchId: string, state: Finding['state'], firstSeen: Date, lastSeen = firstSeen): Finding => ({ host: 'web-01', patchId, state, firstSeen, lastSeen, scanId: 's' });
const APPROVED = 'deb:libbar1@1.1-1';

describe('stillNeeded', () => {
  it.each<[string, Finding[], string[]]>([
    ['missing: needed', [finding(APPROVED, 'missing', T1)], [APPROVED]],
    ['failed: needed', [finding(APPROVED, 'failed', T1)], [APPROVED]],
    ['no finding: never needed', [], []],
    ['installed, nothing newer: not needed', [finding(APPROVED, 'installed', T1, T2)], []],
    ['pending a reboot: not needed again', [finding(APPROVED, 'pending-reboot', T1)], []],
    // The scan that stopped listing 1.1-1 listed 1.2-1: the mirror may have replaced it.
    ['stopped being listed when 1.2-1 was: still needed', [finding(APPROVED, 'installed', T1, T2), finding('deb:libbar1@1.2-1', 'missing', T2)], [APPROVED]],
    // Installed at T2 (a rescan saw it gone and nothing else), 1.2-1 published later: the next update.
    ['installed, then 1.2-1 came later: not needed', [finding(APPROVED, 'installed', T1, T2), finding('deb:libbar1@1.2-1', 'missing', T3)], []],
    ['another package newer: not needed', [finding(APPROVED, 'installed', T1, T2), finding('deb:libbar2@1.2-1', 'missing', T2)], []],
    ['the newer one installed too: not needed', [finding(APPROVED, 'installed', T1, T2), finding('deb:libbar1@1.2-1', 'installed', T2, T3)], []],
    ['rpm alike', [finding('rpm:glibc@2.34-100.el9', 'installed', T1, T2), finding('rpm:glibc@2.34-101.el9', 'missing', T2)], ['rpm:glibc@2.34-100.el9']],
    ['an advisory has no package to compare', [finding('DSA-5600-1', 'installed', T1, T2), finding('DSA-5601-1', 'missing', T2)], []],
  ])('%s', (_, findings, expected) => {
    expect(stillNeeded([APPROVED, 'rpm:glibc@2.34-100.el9', 'DSA-5600-1'], findings)).toEqual(expected);
  });

  it('keeps to the change: a patch it did not approve is not its business', () => {
    expect(stillNeeded(['deb:other@1'], [finding(APPROVED, 'missing', T1)])).toEqual([]);
  });
});
