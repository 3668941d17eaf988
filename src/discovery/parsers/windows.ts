import { Severity } from '../patch.ts';
import { isCveId } from '../patch-bounds.ts';
import { boundScan } from './bound-scan.ts';
import { excerpt, type ParsedPatch, type ParsedScan, ScanParseError } from './scan-result.ts';
import { sectionOf, splitSections } from './sections.ts';
import { installedOf } from './windows-installed.ts';
import { canonicalKb, DEPTH_HINT, isDepthArtifact, issuesOf, WindowsScan } from './windows-json.ts';
import { type OfferedEntry, offeredUpdatesOf } from './windows-update-ids.ts';

/**
 * Windows scan (`scan-windows`), run through powershell.exe -NonInteractive -EncodedCommand
 * (integrations.md §5.4). It prints exactly two sections:
 *
 *   ### patchbot:windows-json
 *   {"os":"…","installed":[…],"missing":[…],"rebootPending":false}     ← one JSON document
 *   ### patchbot:end
 *
 * The document (ConvertTo-Json -Compress -Depth 5, after
 * `$ProgressPreference='SilentlyContinue'; [Console]::OutputEncoding=[Text.Encoding]::UTF8`):
 *   os             string   "$($os.Caption) $($os.Version)" from Win32_OperatingSystem
 *   installed      [{HotFixID:"KB5034441", InstalledOn:…}]          Get-HotFix
 *   missing        [{Title, KB:["KB5034129"], Severity, RebootRequired, CVEs?}] from
 *                  Search("IsInstalled=0 and Type='Software' and IsHidden=0"): KB from
 *                  KBArticleIDs, Severity = MsrcSeverity (Critical|Important|Moderate|Low|''),
 *                  RebootRequired = InstallationBehavior.RebootBehavior -ne 0 (IUpdate.RebootRequired
 *                  only turns true once the update is installed), CVEs = @($_.CveIDs)
 *   rebootPending  bool     any of the registry keys and SystemInfo.RebootRequired of §5.7
 *                  UpdateID = Identity.UpdateID, SupersededUpdateIDs = @($_.SupersededUpdateIDs):
 *                  GUIDs, absent in scans from before they were printed (windows-update-ids.ts)
 *   history        ["KB…"]  the KBs whose newest successful operation in the Update Agent's
 *                  history (QueryHistory, ResultCode 2 or 3) was an installation (Operation 1);
 *                  null when it could not be read, historyError then says why; absent in scans
 *                  from before it was printed (windows-installed.ts: such scans read as they did)
 * Tolerated: a BOM, CRLF, `#< CLIXML` progress records before or after the JSON, a bare object or
 * null where a list is expected, KB as one string or number. Refused: a -Depth too small
 * ("System.Object[]" where the KB list should be), truncated or non-JSON output.
 *
 * Patches: one per update, id = its first KB (KB\d{6,8}); security when Severity is set or the title
 * says "Security"; an update without a KB number cannot be tracked and is skipped with a warning.
 *
 * Installed: Get-HotFix's ids and the history's KBs, `installedComplete` when together they show
 * every KB the host has (windows-installed.ts).
 *
 * Offered: per tracked KB its UpdateIDs and those its updates supersede (`offered`,
 * windows-update-ids.ts), which link a KB that drops out to the KB that superseded it.
 *
 * Bounds (the host may lie): the whole output at most MAX_WINDOWS_OUTPUT characters, refused beyond;
 * at most MAX_INSTALLED installed ids; titles, CVEs and control characters as for every parser
 * (bound-scan.ts). The JSON is one line, so the line cap of the text parsers would not bound it.
 */
export const WINDOWS_SECTIONS = ['windows-json'] as const;
export { MAX_INSTALLED } from './windows-installed.ts';
/**
 * A real document is well under 1 MB: a few hundred hotfixes, a few dozen missing updates with
 * ~100 CVEs at most each. 4 MiB leaves room for the largest and keeps JSON.parse of a hostile one cheap.
 */
export const MAX_WINDOWS_OUTPUT = 4 * 1024 * 1024;

const SEVERITY: Record<string, Severity> = { Critical: 'critical', Important: 'important', Moderate: 'moderate', Low: 'low', '': 'unknown' };
const rank = (s: Severity) => Severity.options.indexOf(s);

export function parseWindowsScan(host: string, stdout: Buffer | string): ParsedScan {
  const split = splitSections(host, stdout, { what: 'Windows', required: WINDOWS_SECTIONS, maxLineLength: MAX_WINDOWS_OUTPUT, maxOutput: MAX_WINDOWS_OUTPUT });
  const warnings = [...split.warnings];
  const { json, noise } = stripClixml(sectionOf(split, 'windows-json').lines.join('\n'));
  if (noise) warnings.push("PowerShell progress records (#< CLIXML) were mixed into stdout; set $ProgressPreference = 'SilentlyContinue'");
  const doc = WindowsScan.safeParse(parseJson(host, json));
  if (!doc.success) throw new ScanParseError(host, `the Windows scan's JSON does not have the expected shape: ${issuesOf(doc.error)}`);
  const { os, installed, missing, rebootPending } = doc.data;
  const kbsOf = (values: string[], what: string) =>
    values.flatMap((v) => {
      if (isDepthArtifact(v)) throw new ScanParseError(host, `${what} is ${excerpt(v)}, not a KB number`, DEPTH_HINT);
      const kb = canonicalKb(v);
      if (!kb) warnings.push(`${what}: ignored ${excerpt(v)}, which is not a KB number`);
      return kb ? [kb] : [];
    });

  const patches = new Map<string, ParsedPatch>();
  const entries: OfferedEntry[] = [];
  for (const [i, m] of missing.entries()) {
    const kbs = [...new Set(kbsOf(m.KB, `missing[${i}].KB`))];
    const id = kbs[0];
    entries.push({ kb: id ?? null, UpdateID: m.UpdateID, SupersededUpdateIDs: m.SupersededUpdateIDs });
    if (!id) {
      warnings.push(`skipped ${excerpt(m.Title)}: it has no KB number to track it by`);
      continue;
    }
    if (kbs.length > 1) warnings.push(`${excerpt(m.Title)} lists ${kbs.join(', ')}; tracked as ${id}`);
    // hasOwn, not `in`: a severity of "constructor" must not find Object's prototype.
    const severity = Object.hasOwn(SEVERITY, m.Severity) ? SEVERITY[m.Severity]! : 'unknown';
    if (!Object.hasOwn(SEVERITY, m.Severity)) warnings.push(`${id} has the unknown severity ${excerpt(m.Severity)}; counted as unknown`);
    const invalid: string[] = [];
    const cves = (m.CVEs ?? []).filter((c) => {
      if (isDepthArtifact(c)) throw new ScanParseError(host, `missing[${i}].CVEs is ${excerpt(c)}, not a CVE id`, DEPTH_HINT);
      if (!isCveId(c)) invalid.push(c);
      return isCveId(c);
    });
    // One warning per update, not per value: a host listing thousands must not bury the others.
    if (invalid.length === 1) warnings.push(`missing[${i}].CVEs: ignored ${excerpt(invalid[0]!)}, which is not a CVE id`);
    if (invalid.length > 1)
      warnings.push(`missing[${i}].CVEs: ignored ${invalid.length} values that are not CVE ids (CVE-YYYY-NNNN, at most 20 characters), the first ${excerpt(invalid[0]!)}`);
    const security = m.Severity !== '' || /\bSecurity\b/.test(m.Title);
    const seen = patches.get(id);
    // The same KB listed twice (one update per product) is one patch.
    if (seen) {
      if (rank(severity) < rank(seen.severity)) seen.severity = severity;
      seen.security ||= security;
      // Pushed into the first entry's array, deduplicated once at the end: a spread per repeat
      // would be quadratic in a document that repeats one KB thousands of times.
      for (const c of cves) seen.cves.push(c);
      seen.rebootHint ||= m.RebootRequired;
      continue;
    }
    patches.set(id, { id, title: m.Title, severity, security, cves, rebootHint: m.RebootRequired, packages: [] });
  }
  const hotfixes = [
    ...new Set(
      kbsOf(
        installed.map((h) => h.HotFixID),
        'installed HotFixID',
      ),
    ),
  ];
  const shown = installedOf(host, hotfixes, doc.data, warnings);
  const offered = offeredUpdatesOf(host, entries, warnings);
  for (const p of patches.values()) p.cves = [...new Set(p.cves)];
  return boundScan({
    host,
    os,
    patches: [...patches.values()],
    installed: shown.installed,
    ...(shown.complete ? { installedComplete: true } : {}),
    ...(offered ? { offered } : {}),
    rebootRequired: rebootPending,
    warnings,
  });
}

const LEADING_CLIXML = /^(#< CLIXML|<Objs\b[\s\S]*?<\/Objs>)\s*/;

/** `#< CLIXML` then `<Objs …>…</Objs>`: PowerShell's serialized progress stream, before or after. */
function stripClixml(text: string): { json: string; noise: boolean } {
  let json = text.trim();
  let noise = false;
  for (let m = LEADING_CLIXML.exec(json); m; m = LEADING_CLIXML.exec(json)) {
    json = json.slice(m[0].length);
    noise = true;
  }
  for (;;) {
    const cut = json.endsWith('</Objs>') ? json.lastIndexOf('<Objs') : json.endsWith('#< CLIXML') ? json.length - '#< CLIXML'.length : -1;
    if (cut < 0) break;
    json = json.slice(0, cut).trimEnd();
    noise = true;
  }
  return { json, noise };
}

function parseJson(host: string, json: string): unknown {
  if (json === '') throw new ScanParseError(host, 'the windows-json section is empty: the PowerShell scan printed nothing (its stderr says why)');
  if (!json.startsWith('{')) throw new ScanParseError(host, `expected JSON from the Windows scan, got ${excerpt(json.split('\n')[0]!, 120)}`);
  try {
    return JSON.parse(json);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (/end of JSON input|Unterminated string/i.test(message)) {
      throw new ScanParseError(host, `expected JSON from the Windows scan, got truncated input (${json.length} characters, ending ${excerpt(json.slice(-40))})`);
    }
    throw new ScanParseError(host, `the Windows scan printed invalid JSON: ${message}`);
  }
}
