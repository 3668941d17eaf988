import type { FleetHostSpec } from '../support/fleet/index.ts';

/**
 * A small estate for the fleet tests: four bookworm hosts that differ in what they miss.
 * web-01 and web-02 share the OpenSSL security update (openssl pulls libssl3 with it);
 * web-01 also misses a tzdata point update, web-02 a bash one and carries a harmless failed unit;
 * web-03's nginx security update breaks nginx.service; db-01's libc6 update asks for a reboot
 * and db-01 has needrestart.
 */
const OLD_SSL = '3.0.11-1~deb12u2';
export const NEW_SSL = '3.0.13-1~deb12u1';

const base = { bash: '5.2.15-2+b2', 'libssl3:amd64': OLD_SSL, openssl: OLD_SSL, tzdata: '2024a-0+deb12u1' };
const ssl = {
  openssl: { version: NEW_SSL, suite: 'bookworm-security', requires: ['libssl3:amd64'] },
  'libssl3:amd64': { version: NEW_SSL, suite: 'bookworm-security' },
};

export const FLEET_HOSTS: FleetHostSpec[] = [
  {
    name: 'web-01',
    installed: { ...base },
    candidates: { ...ssl, tzdata: { version: '2025b-0+deb12u1', suite: 'bookworm-updates' } },
    tags: { role: 'web' },
  },
  {
    name: 'web-02',
    installed: { ...base },
    candidates: { ...ssl, bash: { version: '5.2.15-2+b7', suite: 'bookworm' } },
    failedUnits: ['motd-news.service'],
    tags: { role: 'web' },
  },
  {
    name: 'web-03',
    installed: { ...base, nginx: '1.22.1-9', 'nginx-common': '1.22.1-9' },
    candidates: {
      nginx: { version: '1.22.1-9+deb12u1', suite: 'bookworm-security', requires: ['nginx-common'] },
      'nginx-common': { version: '1.22.1-9+deb12u1', suite: 'bookworm-security' },
    },
    breaksOnUpgrade: { nginx: 'nginx.service' },
    tags: { role: 'web' },
  },
  {
    name: 'db-01',
    installed: { ...base, 'libc6:amd64': '2.36-9+deb12u4' },
    candidates: { 'libc6:amd64': { version: '2.36-9+deb12u7', suite: 'bookworm-security' } },
    rebootAfter: ['libc6'],
    needrestart: true,
    tags: { role: 'db' },
  },
];

export const specOf = (name: string): FleetHostSpec => FLEET_HOSTS.find((h) => h.name === name)!;

/** The `deb:<package>@<version>` ids a scan should report for a host: its candidates newer than installed. */
export const expectedMissing = (spec: FleetHostSpec): string[] =>
  Object.entries(spec.candidates ?? {})
    .filter(([pkg]) => pkg in spec.installed)
    .map(([pkg, c]) => `deb:${pkg.split(':')[0]}@${c.version}`)
    .sort();
