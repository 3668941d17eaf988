import type { OsFamily } from '../../inventory/host.ts';
import type { ParamValues } from '../../playbooks/render.ts';

const DEB = /^deb:([^@]+)@/;
const RHEL_ADVISORY = /^(RH[SBE]A-|ALSA-|RLSA-|ELSA-|FEDORA-)/;
const KB = /^KB\d+$/;

/**
 * The apply playbook's parameters for one host: only the change's patches this host is missing,
 * in the form its os's playbook takes. Null when none applies: the host is left alone.
 */
export const applyParams = (os: OsFamily, missing: readonly string[], changeId: string): ParamValues | null => {
  if (os === 'windows') {
    const kbs = missing.filter((id) => KB.test(id));
    return kbs.length ? { kbs, change: changeId } : null;
  }
  if (os === 'debian' || os === 'ubuntu') {
    const packages = [...new Set(missing.flatMap((id) => DEB.exec(id)?.[1] ?? []))];
    return packages.length ? { packages, change: changeId } : null;
  }
  const advisories = missing.filter((id) => RHEL_ADVISORY.test(id));
  return advisories.length ? { advisories, change: changeId } : null;
};
