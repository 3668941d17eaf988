import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAptScan } from './apt.ts';
import { parseDnfScan } from './dnf.ts';
import { type ScanParser, ScanParseError } from './scan-result.ts';
import { MAX_OUTPUT_BYTES } from './sections.ts';
import { parseWindowsScan } from './windows.ts';

/** DESIGN §9: every parser, fed garbage, gives a ScanParseError naming the host — never another exception, never an empty success. */

const HOST = 'web-01';
const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../../test/fixtures/scans', name));

function expectScanError(run: () => unknown, pattern: RegExp): void {
  let outcome: unknown;
  try {
    outcome = run();
  } catch (e) {
    outcome = e;
  }
  expect(outcome).toBeInstanceOf(ScanParseError);
  const error = outcome as ScanParseError;
  expect(error.host).toBe(HOST);
  expect(error.code).toBe('scan-unparseable');
  expect(error.message).toMatch(new RegExp(`^${HOST}: `));
  expect(error.message).toMatch(pattern);
}

/** A deterministic byte stream (xorshift), so a failure reproduces. */
function noise(length: number, seed: number, printable = false): Buffer {
  const out = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = printable ? 32 + ((x >>> 0) % 95) : (x >>> 0) & 0xff;
  }
  return out;
}

const lineStartNear = (text: string, at: number) => text.indexOf('\n', Math.floor(at)) + 1;

/** Keeps the first half of a section's body (half of its only line, if it has one), as a killed command leaves it. */
function halveSection(text: string, name: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.replace(/\r$/, '') === `### patchbot:${name}`) + 1;
  const end = lines.findIndex((l, i) => i >= start && l.startsWith('### patchbot:'));
  const body = lines.slice(start, end);
  const kept = body.length === 1 ? [body[0]!.slice(0, body[0]!.length / 2)] : body.slice(0, body.length / 2);
  return [...lines.slice(0, start), ...kept, ...lines.slice(end)].join('\n');
}

interface Case {
  name: string;
  parse: ScanParser;
  text: string;
  /** The section the mutations aim at. */
  main: string;
  /** The main command killed half-way through (a timeout): the output still ends with `end`. */
  killed: (text: string) => string;
  killedError: RegExp;
  /** The error when a 1 MiB line lands at the start of the main section. */
  hugeLine: RegExp;
  other: string;
}

const CASES: Case[] = [
  {
    name: 'apt',
    parse: parseAptScan,
    text: fixture('debian12-scan.txt').toString(),
    main: 'apt-simulate',
    other: 'rhel9-scan.txt',
    killed: (text) => halveSection(text, 'apt-simulate'),
    killedError: /apt output is truncated or garbled: \d+ Inst lines, but its summary announces 135 \(135 upgraded, 0 newly installed, 0 reinstalled, 0 downgraded\)/,
    hugeLine: /apt output line 12 is 1048576 characters long \(longest accepted: 4096\)/,
  },
  {
    name: 'dnf',
    parse: parseDnfScan,
    text: fixture('rhel9-scan.txt').toString(),
    main: 'check-update',
    other: 'debian12-scan.txt',
    killed: (text) => halveSection(text, 'check-update').replace(/(### patchbot:check-update-exit\n)100\n/, '$1124\n'),
    killedError: /dnf check-update exited 124; expected 0 \(no updates\) or 100 \(updates available\)/,
    hugeLine: /dnf output line 49 is 1048576 characters long \(longest accepted: 4096\)/,
  },
  {
    name: 'windows',
    parse: parseWindowsScan,
    text: fixture('windows2022-scan.txt').toString(),
    main: 'windows-json',
    other: 'debian12-scan.txt',
    killed: (text) => halveSection(text, 'windows-json'),
    killedError: /expected JSON from the Windows scan, got truncated input \(\d+ characters, ending "/,
    hugeLine: /expected JSON from the Windows scan, got "AAAA/,
  },
];

describe.each(CASES)('$name parser on garbage', ({ parse, text, main, killed, killedError, hugeLine, other }) => {
  const marker = `### patchbot:${main}`;
  const mainBody = text.indexOf('\n', text.indexOf(`${marker}\n`) >= 0 ? text.indexOf(`${marker}\n`) : text.indexOf(`${marker}\r\n`)) + 1;
  const mutations: Array<[string, () => Buffer | string, RegExp]> = [
    ['empty output', () => Buffer.alloc(0), /scan output is empty/],
    ['blank lines only', () => '\n \r\n\t\n', /scan output is empty/],
    ['output cut at half', () => Buffer.from(text).subarray(0, text.length / 2), /scan output is truncated: no `### patchbot:end` line \(last section: /],
    ['output cut mid-line', () => text.slice(0, lineStartNear(text, text.length * 0.6) + 7), /scan output is truncated: no `### patchbot:end` line/],
    ['the end marker missing', () => text.replace(/^### patchbot:end\r?\n/m, ''), /scan output is truncated: no `### patchbot:end` line/],
    ['the main command killed half-way, end marker printed', () => killed(text), killedError],
    ['a section missing', () => text.replace(/^### patchbot:[a-z-]+\r?\n/m, ''), /scan output has no `### patchbot:[a-z-]+` section \(found: /],
    ["another OS's scan", () => fixture(other), /scan output has no `### patchbot:[a-z-]+`(, `### patchbot:[a-z-]+`)* section/],
    ['a section twice', () => text.replace(/^### patchbot:end/m, `${marker}\n### patchbot:end`), new RegExp(`has the section \`${main}\` twice \\(again at line \\d+\\)`)],
    ['a malformed marker', () => text.replace(marker, '### patchbot:Main Section'), /output line \d+ is a malformed section marker: "### patchbot:Main Section"/],
    [
      'invalid UTF-8 bytes',
      () => Buffer.concat([Buffer.from(text.slice(0, mainBody)), Buffer.from([0xff, 0xfe]), Buffer.from(text.slice(mainBody))]),
      new RegExp(`scan output is not valid UTF-8 \\(first bad byte at offset ${Buffer.byteLength(text.slice(0, mainBody))}, line \\d+\\)`),
    ],
    ['a NUL byte', () => `${text.slice(0, mainBody)}\u0000${text.slice(mainBody)}`, /scan output contains a NUL byte \(line \d+\)/],
    ['random binary noise', () => noise(4096, 7), /scan output is not valid UTF-8/],
    ['random printable noise', () => noise(4096, 11, true), /scan output has no `### patchbot:` sections; it starts with "/],
    ['a huge line', () => `${text.slice(0, mainBody)}${'A'.repeat(1 << 20)}\n${text.slice(mainBody)}`, hugeLine],
    ['more output than any scan prints', () => Buffer.alloc(MAX_OUTPUT_BYTES + 1, 0x41), /scan output is \d+ bytes, more than the \d+ a scan can print/],
  ];

  it('parses the unmodified fixture (the baseline the mutations break)', () => {
    expect(parse(HOST, text).patches.length).toBeGreaterThan(0);
  });

  it.each(mutations)('%s', (_, mutate, pattern) => {
    expectScanError(() => parse(HOST, mutate()), pattern);
  });
});

describe('apt parser on unexpected columns', () => {
  const text = fixture('debian12-scan.txt').toString();
  const bash = 'Inst bash [5.2.15-2+b8] (5.2.15-2+b13 Debian:12.15/oldstable [amd64])';
  it.each([
    [
      'an extra field',
      bash.replace('] (', '] extra ('),
      /apt output line \d+ is not an Inst line of the form `Inst <package> \[<installed>\] \(<candidate> <origins> \[<arch>\]\)`: "Inst bash \[5.2.15-2\+b8\] extra/,
    ],
    ['missing brackets', bash.replace('[5.2.15-2+b8]', '5.2.15-2+b8'), /is not an Inst line of the form/],
    ['text after the parenthesis', `${bash} garbage`, /is not an Inst line of the form/],
    ['no architecture', bash.replace(' [amd64]', ''), /is not an Inst line of the form/],
    ['an uppercase package name', bash.replace('Inst bash', 'Inst BASH'), /is not an Inst line of the form/],
    ['a version PatchId refuses', bash.replace('(5.2.15-2+b13', '(5.2.15/2'), /apt output line \d+: "5.2.15\/2" is not a Debian version/],
    ['prose among the actions', 'Hello from .bashrc', /apt output line \d+ is not an Inst\/Conf line: "Hello from .bashrc"/],
    ['an apt error', 'E: Could not get lock /var/lib/dpkg/lock-frontend', /apt reported an error \(line \d+\): "Could not get lock/],
  ])('%s', (_, replacement, pattern) => {
    expectScanError(() => parseAptScan(HOST, text.replace(bash, replacement)), pattern);
  });

  it('requires the summary line', () => {
    expectScanError(() => parseAptScan(HOST, text.replace(/^\d+ upgraded.*\n/m, '')), /apt output has no summary line/);
  });

  it('refuses a second summary line', () => {
    expectScanError(() => parseAptScan(HOST, text.replace('Calculating upgrade...', '1 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.')), /second summary line at line \d+/);
  });

  it.each([
    ['a garbled os-release', text.replace('ID=debian', 'ID debian'), /os-release line 7 is not KEY=value: "ID debian"/],
    ['an empty reboot section', text.replace('not-required\n', ''), /the reboot section does not say `required` or `not-required`/],
    ['a reboot section saying both', text.replace('not-required\n', 'not-required\nrequired\n'), /the reboot section says not-required and required/],
    [
      'a stray line in the reboot section',
      text.replace('not-required\n', 'not-required\nmaybe\n'),
      /reboot section line \d+ is neither required\/not-required nor needrestart -b output: "maybe"/,
    ],
    ['a bad NEEDRESTART-KSTA', text.replace('not-required\n', 'not-required\nNEEDRESTART-KSTA: 9\n'), /NEEDRESTART-KSTA is "9", expected 0-3/],
  ])('%s', (_, mutated, pattern) => {
    expectScanError(() => parseAptScan(HOST, mutated), pattern);
  });
});

describe('dnf parser on unexpected columns', () => {
  const text = fixture('rhel9-scan.txt').toString();
  const glibcAdvisory = 'RHSA-2024:3339 Important/Sec. glibc-2.34-100.el9_4.2.x86_64';
  const glibcRow = /^glibc\.x86_64 .*$/m;
  it.each([
    ['an extra updateinfo column', text.replace(glibcAdvisory, `${glibcAdvisory} 2024-05-28`), /updateinfo line \d+ has 4 columns, expected 3 \(advisory, type, package\)/],
    ['an unknown advisory type', text.replace(glibcAdvisory, glibcAdvisory.replace('Important/Sec.', 'Urgent')), /updateinfo line \d+ has the unknown advisory type "Urgent"/],
    [
      'a type named like an Object property',
      text.replace(glibcAdvisory, glibcAdvisory.replace('Important/Sec.', 'constructor')),
      /updateinfo line \d+ has the unknown advisory type "constructor"/,
    ],
    ['not an advisory id', text.replace(glibcAdvisory, glibcAdvisory.replace('RHSA-2024:3339', 'rhsa')), /updateinfo line \d+ does not start with an advisory id/],
    ['a NEVRA without an arch', text.replace(glibcAdvisory, 'RHSA-2024:3339 Important/Sec. glibc'), /updateinfo line \d+: "glibc" is not a package name-\[epoch:\]version-release.arch/],
    ['a check-update row with 4 columns', text.replace(glibcRow, 'glibc.x86_64 2.34-100.el9_4.2 baseos extra'), /check-update line \d+ has 4 columns, expected 3/],
    [
      'a check-update row missing its repository',
      text.replace(glibcRow, 'glibc.x86_64 2.34-100.el9_4.2'),
      /check-update line \d+ has 5 columns, expected 3 \(package, version, repository\): "glibc.x86_64 2.34-100.el9_4.2 glibc-common.x86_64/,
    ],
    [
      'a check-update row without an arch',
      text.replace(glibcRow, 'glibc 2.34-100.el9_4.2 baseos'),
      /check-update line \d+ is not `name.arch \[epoch:\]version-release repo`: "glibc 2.34-100.el9_4.2 baseos"/,
    ],
    ['no needs-restarting exit code', text.replace(/(### patchbot:needs-restarting-exit\n)1\n/, '$1'), /the needs-restarting-exit section should hold one exit code, got ""/],
  ])('%s', (_, mutated, pattern) => {
    expectScanError(() => parseDnfScan(HOST, mutated), pattern);
  });
});
