import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The RHEL test host's packages and advisories, as data: tiny rpms built with the real rpmbuild
 * (no files, only names, versions, epochs, requires and obsoletes), and an updateinfo.xml in the
 * format Red Hat's repositories publish (RHSA security advisories of every severity, an RHBA
 * bugfix, one advisory fixing two packages, one whose package obsoletes an installed one, one
 * suggesting a reboot).
 */

export interface Rpm {
  name: string;
  epoch: number;
  version: string;
  release: string;
  requires?: string[];
  obsoletes?: string[];
  provides?: string[];
}

export const rpm = (name: string, evr: string, more: Partial<Rpm> = {}): Rpm => {
  const m = /^(?:(\d+):)?([^-]+)-(.+)$/.exec(evr);
  if (!m) throw new Error(`not an [epoch:]version-release: ${evr}`);
  return { name, epoch: Number(m[1] ?? 0), version: m[2]!, release: m[3]!, ...more };
};

/** dnf's own spelling: epoch only when it is not 0. */
export const evrOf = (p: Rpm) => `${p.epoch ? `${p.epoch}:` : ''}${p.version}-${p.release}`;
/** rpm -qa --qf '%{NAME}-%{EPOCHNUM}:%{VERSION}-%{RELEASE}.%{ARCH}', as the apply playbook records. */
export const nevraOf = (p: Rpm) => `${p.name}-${p.epoch}:${p.version}-${p.release}.x86_64`;

/** Installed when the host is built; all still in the repository afterwards, as RHEL keeps them. */
export const BASE: Rpm[] = [
  // dnf reads $releasever from what provides system-release(releasever).
  rpm('redhat-release', '9.4-0.5.el9', { provides: ['system-release = 9.4', 'system-release(releasever) = 9'] }),
  rpm('openssl', '1:3.0.7-27.el9', { requires: ['openssl-libs = 1:3.0.7-27.el9'] }),
  rpm('openssl-libs', '1:3.0.7-27.el9'),
  rpm('curl', '7.76.1-29.el9'),
  rpm('sudo', '1.9.5p2-10.el9_3'),
  rpm('tzdata', '2024a-1.el9'),
  rpm('kernel-core', '5.14.0-427.13.1.el9_4'),
  rpm('oldtool', '1.0-1.el9'),
  rpm('zlib', '1.2.11-40.el9'),
];

/** Published later: the updates the scan must find. */
export const UPDATES: Rpm[] = [
  rpm('openssl', '1:3.0.7-28.el9_4', { requires: ['openssl-libs = 1:3.0.7-28.el9_4'] }),
  rpm('openssl-libs', '1:3.0.7-28.el9_4'),
  rpm('curl', '7.76.1-29.el9_4.1'),
  rpm('sudo', '1.9.5p2-10.el9_4.1'),
  rpm('tzdata', '2024b-2.el9'),
  rpm('kernel-core', '5.14.0-427.20.1.el9_4'),
  rpm('newtool', '2.0-1.el9', { obsoletes: ['oldtool < 2.0'], provides: ['oldtool = 2.0'] }),
  // No advisory: a plain package update.
  rpm('zlib', '1.2.11-41.el9'),
];

export interface Advisory {
  id: string;
  type: 'security' | 'bugfix' | 'enhancement';
  severity?: 'Critical' | 'Important' | 'Moderate' | 'Low';
  title: string;
  packages: string[];
  cves: string[];
  rebootSuggested?: boolean;
}

export const ADVISORIES: Advisory[] = [
  { id: 'RHSA-2024:3061', type: 'security', severity: 'Important', title: 'openssl security update', packages: ['openssl', 'openssl-libs'], cves: ['CVE-2024-0727', 'CVE-2023-6129'] },
  { id: 'RHSA-2024:4051', type: 'security', severity: 'Critical', title: 'curl security update', packages: ['curl'], cves: ['CVE-2024-2398'] },
  { id: 'RHSA-2024:3618', type: 'security', severity: 'Moderate', title: 'kernel security update', packages: ['kernel-core'], cves: ['CVE-2024-26643'], rebootSuggested: true },
  { id: 'RHSA-2024:3850', type: 'security', severity: 'Low', title: 'sudo security update', packages: ['sudo'], cves: ['CVE-2023-42465'] },
  { id: 'RHBA-2024:4712', type: 'bugfix', title: 'tzdata bug fix and enhancement update', packages: ['tzdata'], cves: [] },
  { id: 'RHBA-2024:4800', type: 'bugfix', title: 'newtool replaces oldtool', packages: ['newtool'], cves: [] },
];

const specOf = (p: Rpm) =>
  [
    `Name: ${p.name}`,
    ...(p.epoch ? [`Epoch: ${p.epoch}`] : []),
    `Version: ${p.version}`,
    `Release: ${p.release}`,
    `Summary: patchbot test package ${p.name}`,
    'License: MIT',
    ...(p.requires ?? []).map((r) => `Requires: ${r}`),
    ...(p.obsoletes ?? []).map((o) => `Obsoletes: ${o}`),
    ...(p.provides ?? []).map((o) => `Provides: ${o}`),
    '%description',
    "A package with no files for patchbot's tests.",
    '%files',
    '',
  ].join('\n');

/** Builds the rpms with rpmbuild into dir/RPMS/x86_64 and returns that directory. */
export function buildRpms(dir: string, packages: Rpm[]): string {
  mkdirSync(join(dir, 'SPECS'), { recursive: true });
  for (const p of packages) {
    const spec = join(dir, 'SPECS', `${p.name}-${p.version}-${p.release}.spec`);
    writeFileSync(spec, specOf(p));
    execFileSync('rpmbuild', ['-bb', '--quiet', '--target', 'x86_64', '--define', `_topdir ${dir}`, spec], { stdio: 'pipe' });
  }
  return join(dir, 'RPMS', 'x86_64');
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

export function updateinfoXml(advisories: Advisory[], packages: Rpm[]): string {
  const find = (name: string) =>
    packages.find((p) => p.name === name) ??
    (() => {
      throw new Error(`no package ${name} for an advisory`);
    })();
  const updates = advisories.map((a) => {
    const pkgs = a.packages
      .map(find)
      .map(
        (p) =>
          `        <package name="${p.name}" version="${p.version}" release="${p.release}" epoch="${p.epoch}" arch="x86_64" src="${p.name}-${p.version}-${p.release}.src.rpm">\n          <filename>${p.name}-${p.version}-${p.release}.x86_64.rpm</filename>${a.rebootSuggested ? '\n          <reboot_suggested>True</reboot_suggested>' : ''}\n        </package>`,
      );
    return [
      `  <update from="secalert@redhat.com" status="final" type="${a.type}" version="2">`,
      `    <id>${a.id}</id>`,
      `    <title>${escape(a.severity ? `${a.severity}: ${a.title}` : a.title)}</title>`,
      ...(a.severity ? [`    <severity>${a.severity}</severity>`] : []),
      '    <release>Red Hat Enterprise Linux 9</release>',
      '    <issued date="2024-06-01 00:00:00"/>',
      '    <updated date="2024-06-01 00:00:00"/>',
      '    <references>',
      ...a.cves.map((c) => `      <reference href="https://access.redhat.com/security/cve/${c}" id="${c}" type="cve" title="${c}"/>`),
      '    </references>',
      `    <description>${escape(a.title)}</description>`,
      '    <pkglist>',
      '      <collection short="rhel-9">',
      '        <name>rhel-9</name>',
      ...pkgs,
      '      </collection>',
      '    </pkglist>',
      ...(a.rebootSuggested ? ['    <reboot_suggested>True</reboot_suggested>'] : []),
      '  </update>',
    ].join('\n');
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<updates>\n${updates.join('\n')}\n</updates>\n`;
}
