import { describe, expect, it } from 'vitest';
import { isPatchId, PatchId } from '../patch.ts';

/** The ids the parsers build, against the PatchId regex in patch.ts. */
describe('PatchId for parser-built ids', () => {
  it.each([
    'deb:bash@5.2.15-2+b13', // '+' (binNMU)
    'deb:openssl@3.0.22-1~deb12u2', // '~'
    'deb:passwd@1:4.13+dfsg1-1+deb12u2', // epoch
    'deb:linux-image-5.15.0-105-generic@5.15.0-105.115',
    'deb:libgnutls28-dev@3.7.9-2+deb12u6',
    'rpm:bind-libs@32:9.16.23-18.el9_4.1',
    'rpm:foo@1.0^20240101git1a2b3c-1.fc40', // rpm ≥ 4.15 caret (Fedora snapshot versions)
    'RHSA-2024:3339',
    'RHBA-2024:3316',
    'RLSA-2024:3339',
    'FEDORA-2024-1a2b3c4d5e',
    'KB5034129',
    'KB890830',
  ])('accepts %s', (id) => {
    expect(PatchId.safeParse(id).success).toBe(true);
  });

  it.each(['deb:bash@5.2/1', 'deb:bash@', 'rpm:@1-1', 'KB12345', 'RLBA-2024:2555'])('refuses %s', (id) => {
    expect(PatchId.safeParse(id).success).toBe(false);
  });

  it('accepts an id of 200 characters and refuses one of 201 (a hostile scan would store it in every finding)', () => {
    const id = (n: number) => `deb:bash@${'1'.repeat(n - 9)}`;
    expect([id(200), id(201)].map((x) => [x.length, PatchId.safeParse(x).success, isPatchId(x)])).toEqual([
      [200, true, true],
      [201, false, false],
    ]);
  });
});
