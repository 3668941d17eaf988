import { isKbId } from '../../discovery/package-version.ts';
import type { OsFamily } from '../../inventory/host.ts';
import { isRequired, type Playbook } from '../../playbooks/playbook.ts';
import type { ParamValues } from '../../playbooks/render.ts';

const DEB = /^deb:([^@]+)@(.+)$/;
const RPM = /^rpm:([^@]+)@(.+)$/;
const RHEL_ADVISORY = /^(RH[SBE]A-|ALSA-|RLSA-|ELSA-|FEDORA-)/;

/**
 * The apply playbook's parameters for one host: only the change's patches this host is missing,
 * in the form its os's playbook takes, pinned to what was approved — `deb:openssl@3.0.13-1~deb12u1`
 * becomes `openssl=3.0.13-1~deb12u1`, `rpm:glibc@2.34-100.el9` becomes `glibc-2.34-100.el9`, an
 * advisory or a KB its id. Never a bare package name: that would install whatever is newest when
 * the playbook runs, which nobody approved. Null when none applies: the host is left alone.
 */
export const applyParams = (os: OsFamily, missing: readonly string[], changeId: string): ParamValues | null => {
  if (os === 'windows') {
    const kbs = missing.filter(isKbId);
    return kbs.length ? { kbs, change: changeId } : null;
  }
  if (os === 'debian' || os === 'ubuntu') {
    const packages = [...new Set(missing.flatMap((id) => DEB.exec(id)?.slice(1, 3).join('=') ?? []))];
    return packages.length ? { packages, change: changeId } : null;
  }
  const advisories = missing.filter((id) => RHEL_ADVISORY.test(id));
  const packages = [...new Set(missing.flatMap((id) => RPM.exec(id)?.slice(1, 3).join('-') ?? []))];
  return advisories.length || packages.length ? { advisories, packages, change: changeId } : null;
};

/** Parameters a playbook cannot run without: required, or without a default. */
export const requiredParams = (playbook: Playbook): string[] =>
  Object.entries(playbook.params)
    .filter(([, spec]) => isRequired(spec))
    .map(([name]) => name);

/** The required parameters `values` leaves out (an empty list counts as missing). */
export const missingParams = (playbook: Playbook, values: ParamValues): string[] =>
  requiredParams(playbook).filter((name) => {
    const value = values[name];
    return value === undefined || (Array.isArray(value) && value.length === 0);
  });

/**
 * The rollback playbook's parameters for one host: what the apply ran with there (recorded with
 * its run; for runs recorded before that, worked out again from the change's patches), kept to
 * the names the rollback declares. Whatever the os family, a rollback starts with everything its
 * playbook declares, or not at all.
 */
export const rollbackParams = (rollback: Playbook, os: OsFamily, parentId: string, patches: readonly string[], applied: ParamValues | null): ParamValues => {
  const source = { ...(applied ?? applyParams(os, patches, parentId) ?? {}), change: parentId };
  const values: ParamValues = Object.fromEntries(Object.entries(source).filter(([name]) => name in rollback.params));
  const missing = missingParams(rollback, values);
  if (missing.length) throw new Error(`${rollback.name} needs ${missing.join(', ')}, which ${parentId} does not supply for this ${os} host`);
  return values;
};
