import { PatchId, Severity } from '../patch.ts';
import type { AdvisoryLine, Nevra } from './dnf-lines.ts';
import { excerpt, type PackageUpdate, type ParsedPatch, ScanParseError } from './scan-result.ts';

// dnf-plugins-core needs_restarting.py NEED_REBOOT, plus the kernel's own subpackages and
// Oracle's UEK, which replace `kernel` on those hosts.
const REBOOT = new Set([
  'kernel',
  'kernel-core',
  'kernel-modules',
  'kernel-rt',
  'kernel-rt-core',
  'kernel-uek',
  'kernel-uek-core',
  'glibc',
  'linux-firmware',
  'systemd',
  'dbus',
  'dbus-broker',
  'dbus-daemon',
]);
const rank = (s: Severity) => Severity.options.indexOf(s);

export interface RpmPatches {
  patches: ParsedPatch[];
  warnings: string[];
}

/**
 * One patch per advisory with all its packages; every package check-update offers that no advisory
 * covers becomes `rpm:<name>@<[epoch:]version-release>` (one patch for all its architectures).
 * Each package carries what the host runs of it (`installed`, name.arch → version) when known.
 */
export function buildRpmPatches(host: string, advisories: AdvisoryLine[], cves: AdvisoryLine[], updates: Nevra[], installed: ReadonlyMap<string, string>): RpmPatches {
  const toPackage = (n: Nevra): PackageUpdate => ({ name: n.name, arch: n.arch, installed: installed.get(`${n.name}.${n.arch}`) ?? null, candidate: n.evr });
  const warnings: string[] = [];
  const byId = new Map<string, ParsedPatch>();
  const rejected = new Set<string>();
  for (const a of advisories) {
    if (!PatchId.safeParse(a.ref).success) {
      // e.g. Alma's ALBA-/ALEA-: not a patch id we know, so its packages count as plain updates.
      if (!rejected.has(a.ref)) warnings.push(`advisory ${a.ref} is not a known patch id; its packages are listed as plain rpm updates`);
      rejected.add(a.ref);
      continue;
    }
    const patch = byId.get(a.ref) ?? newAdvisoryPatch(a);
    byId.set(a.ref, patch);
    if (rank(a.kind.severity) < rank(patch.severity)) patch.severity = a.kind.severity;
    patch.security ||= a.kind.security;
    patch.rebootHint ||= REBOOT.has(a.nevra.name);
    patch.packages.push(toPackage(a.nevra));
  }
  attachCves(byId, advisories, cves, warnings);
  for (const patch of byId.values()) patch.title = titleOf(patch, advisories);

  const offered = new Set(updates.map((u) => `${u.name}.${u.arch}`));
  const covered = new Set<string>();
  for (const patch of byId.values()) {
    for (const p of patch.packages) {
      covered.add(`${p.name}.${p.arch}`);
      if (!offered.has(`${p.name}.${p.arch}`)) warnings.push(`${patch.id} fixes ${p.name}.${p.arch}, which check-update does not offer (excluded or version-locked?)`);
    }
  }
  const plain = new Map<string, ParsedPatch>();
  for (const u of updates) {
    if (covered.has(`${u.name}.${u.arch}`)) continue;
    const id = `rpm:${u.name}@${u.evr}`;
    if (!PatchId.safeParse(id).success) throw new ScanParseError(host, `check-update offers ${excerpt(`${u.name}.${u.arch} ${u.evr}`)}, which makes no valid patch id`);
    const patch = plain.get(id) ?? { id, title: `${u.name} → ${u.evr}`, severity: 'low', security: false, cves: [], rebootHint: REBOOT.has(u.name), packages: [] };
    patch.packages.push(toPackage(u));
    plain.set(id, patch);
  }
  return { patches: [...byId.values(), ...plain.values()], warnings };
}

function newAdvisoryPatch(a: AdvisoryLine): ParsedPatch {
  return { id: a.ref, title: '', severity: a.kind.severity, security: a.kind.security, cves: [], rebootHint: false, packages: [] };
}

/**
 * `RHSA-2024:3339: Important security update`. The catalog shares the title with every host
 * (catalog-merge.ts), so it holds what the advisory is, the same on every host: not the packages
 * of it this host has (dnf lists only those, so a host without glibc-langpack-en names one fewer).
 */
function titleOf(patch: ParsedPatch, advisories: AdvisoryLine[]): string {
  const label = advisories.find((a) => a.ref === patch.id && a.kind.severity === patch.severity)?.kind.label ?? 'Update';
  return `${patch.id}: ${label}`;
}

/** `--with-cve` prints the CVE in place of the advisory id; the package version ties them back. */
function attachCves(byId: Map<string, ParsedPatch>, advisories: AdvisoryLine[], cves: AdvisoryLine[], warnings: string[]): void {
  for (const c of cves) {
    const owners = advisories.filter((a) => a.text === c.text && a.kind.label === c.kind.label && byId.has(a.ref));
    if (!owners.length) warnings.push(`${c.ref} (${c.text}) matches no advisory in the updateinfo section`);
    for (const o of owners) {
      const patch = byId.get(o.ref)!;
      if (!patch.cves.includes(c.ref)) patch.cves.push(c.ref);
    }
  }
}
