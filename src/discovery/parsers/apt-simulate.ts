import { isPatchId, MAX_PATCH_ID, type Severity } from '../patch.ts';
import { type AptSummary, debNeedsReboot, fromSecurityArchive, type InstLine, instCount, parseInstLine, parseSummaryLine } from './apt-lines.ts';
import { excerpt, type ParsedPatch, ScanParseError } from './scan-result.ts';
import type { Section } from './sections.ts';

const OTHER_ACTION = /^(Conf|Remv|Purg) /;
/** dpkg's architecture names: `amd64`, `arm64`, `i386`, `all`, `ppc64el`, `s390x`. */
const ARCH = /^[a-z0-9][a-z0-9-]*$/;

export interface AptSimulation {
  patches: ParsedPatch[];
  warnings: string[];
}

/**
 * The body of `apt-get -s dist-upgrade`. apt prints prose first (progress, package lists, the
 * summary line), then one action per line. Prose is free-form and ignored; once actions start,
 * every line must be an action, and the Inst lines must add up to the summary, so a cut or
 * interleaved output cannot pass for a short list.
 */
export function parseAptSimulate(host: string, section: Section): AptSimulation {
  const at = (i: number) => section.firstLine + i;
  const patches = new Map<string, ParsedPatch>();
  const warnings: string[] = [];
  let summary: AptSummary | null = null;
  let parsedSummary: AptSummary | null;
  let insts = 0;
  let inActions = false;
  const lines = section.lines;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('Inst ')) {
      const inst = parseInstLine(line);
      if (!inst) {
        throw new ScanParseError(host, `apt output line ${at(i)} is not an Inst line of the form \`Inst <package> [<installed>] (<candidate> <origins> [<arch>])\`: ${excerpt(line)}`);
      }
      addPackage(host, patches, inst, at(i));
      insts++;
      inActions = true;
    } else if (OTHER_ACTION.test(line)) {
      inActions = true;
    } else if ((parsedSummary = parseSummaryLine(line))) {
      if (summary) throw new ScanParseError(host, `apt output has a second summary line at line ${at(i)}: ${excerpt(line)}`);
      summary = parsedSummary;
    } else if (line.startsWith('E: ')) {
      throw new ScanParseError(host, `apt reported an error (line ${at(i)}): ${excerpt(line.slice(3), 200)}`);
    } else if (line.startsWith('W: ') || line.startsWith('N: ')) {
      warnings.push(`apt: ${line.slice(3)}`);
    } else if (inActions && line.trim() !== '') {
      throw new ScanParseError(host, `apt output line ${at(i)} is not an Inst/Conf line: ${excerpt(line)}`);
    }
  }
  if (!summary) {
    throw new ScanParseError(
      host,
      "apt output has no summary line (`N upgraded, N newly installed, N to remove and N not upgraded.`): apt failed or its output was cut; see the scan's stderr",
    );
  }
  if (insts !== instCount(summary)) {
    const { upgraded, newlyInstalled, reinstalled, downgraded } = summary;
    throw new ScanParseError(
      host,
      `apt output is truncated or garbled: ${insts} Inst lines, but its summary announces ${instCount(summary)} (${upgraded} upgraded, ${newlyInstalled} newly installed, ${reinstalled} reinstalled, ${downgraded} downgraded)`,
    );
  }
  if (summary.notUpgraded) warnings.push(`${summary.notUpgraded} packages are held back (kept back or phased) and not listed as missing`);
  if (summary.toRemove) warnings.push(`dist-upgrade would remove ${summary.toRemove} packages`);
  return { patches: [...patches.values()], warnings };
}

/** One patch per package and candidate version; the same package for two architectures is one patch. */
function addPackage(host: string, patches: Map<string, ParsedPatch>, inst: InstLine, line: number): void {
  const id = `deb:${inst.name}@${inst.candidate}`;
  if (id.length > MAX_PATCH_ID) {
    throw new ScanParseError(host, `apt output line ${line}: ${excerpt(`${inst.name} ${inst.candidate}`)} makes a patch id of ${id.length} characters (longest accepted: ${MAX_PATCH_ID})`);
  }
  if (!isPatchId(id)) {
    throw new ScanParseError(host, `apt output line ${line}: ${excerpt(inst.candidate)} is not a Debian version`);
  }
  // The installed version decides whether a version that drops out of a later report was installed
  // or superseded (adapters/postgres/finding-close.ts): what apt prints there, and as the
  // architecture, is a version and an architecture name, never prose or markup a hostile host
  // wrote in their place; anything else means the output is not apt's.
  if (inst.installed !== null && !isPatchId(`deb:${inst.name}@${inst.installed}`)) {
    throw new ScanParseError(host, `apt output line ${line}: the installed version ${excerpt(inst.installed)} of ${inst.name} is not a Debian version`);
  }
  if (!ARCH.test(inst.arch)) throw new ScanParseError(host, `apt output line ${line}: ${excerpt(inst.arch)} is not an architecture name (amd64, arm64, all…)`);
  const pkg = { name: inst.name, arch: inst.arch, installed: inst.installed, candidate: inst.candidate };
  const security = fromSecurityArchive(inst.origins);
  const existing = patches.get(id);
  if (existing) {
    existing.packages.push(pkg);
    existing.security ||= security;
    existing.severity = severityOf(existing.security);
    return;
  }
  patches.set(id, {
    id,
    // Shared by every host that misses this version (catalog-merge.ts), so only what its id says:
    // what this host runs of the package (or that it has none) is this host's fact, not the patch's.
    title: `${inst.name} → ${inst.candidate}`,
    severity: severityOf(security),
    security,
    cves: [],
    rebootHint: debNeedsReboot(inst.name),
    packages: [pkg],
  });
}

// apt carries no severity. What reaches the security archive is what the distribution's security
// team judged worth an advisory (DSA/USN; Debian leaves minor issues to point releases), so it is
// 'important' until something better tells us; any other update is ordinary, 'low'. 'unknown' is
// kept for vendors that rate updates and did not rate this one (empty MsrcSeverity, Unknown/Sec.).
const severityOf = (security: boolean): Severity => (security ? 'important' : 'low');
