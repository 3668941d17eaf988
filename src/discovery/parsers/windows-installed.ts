import { excerpt, ScanParseError } from './scan-result.ts';
import { DEPTH_HINT, isDepthArtifact } from './windows-json.ts';

/** Get-HotFix on a server installed years ago lists a few hundred; with the history, a few more. */
export const MAX_INSTALLED = 5_000;

/**
 * What a Windows scan shows the host has. Get-HotFix (`hotfixes`) lists only CBS updates; the
 * Update Agent's history (`history`: the KBs whose newest successful operation was an
 * installation) adds those installed through it that are not (.NET, Defender's platform, MSI-based
 * updates). `complete` says the list holds every KB the host has, so a KB that the Update Agent no
 * longer offers and that is not in it was superseded, never installed
 * (adapters/postgres/finding-close.ts). It is not when:
 * - the scan has no history field: a scan-windows playbook from before it was printed. Such scans
 *   stay readable and close a KB that drops out as installed, as they always did;
 * - the history could not be read (`historyError`), or holds anything but KB numbers (a script
 *   that is not ours, or a host that lies): a list we cannot trust is not used to call KBs superseded;
 * - the list was cut at MAX_INSTALLED.
 */
export function installedOf(
  host: string,
  hotfixes: readonly string[],
  { history, historyError }: { history?: readonly string[] | null | undefined; historyError?: string | null | undefined },
  warnings: string[],
): { installed: string[]; complete: boolean } {
  let complete = history !== undefined && history !== null;
  if (history === null || historyError) {
    const why = historyError ? ` (${excerpt(historyError, 120)})` : '';
    warnings.push(`the Windows Update history could not be read${why}: an update no longer offered is taken as installed`);
    complete = false;
  }
  const fromHistory: string[] = [];
  const invalid: string[] = [];
  for (const value of history ?? []) {
    if (isDepthArtifact(value)) throw new ScanParseError(host, `history is ${excerpt(value)}, not a KB number`, DEPTH_HINT);
    // Exactly what the scan prints ("KB" and the number), nothing canonicalKb would also take.
    if (/^KB\d{6,8}$/.test(value)) fromHistory.push(value);
    else invalid.push(value);
  }
  if (invalid.length) {
    warnings.push(
      `the Windows Update history lists ${invalid.length} values that are not KB numbers, the first ${excerpt(invalid[0]!)}: not used, an update no longer offered is taken as installed`,
    );
    complete = false;
  }
  const all = [...new Set([...hotfixes, ...(complete ? fromHistory : [])])];
  if (all.length > MAX_INSTALLED) {
    warnings.push(`the scan lists ${all.length} installed updates; kept the first ${MAX_INSTALLED}`);
    complete = false;
  }
  return { installed: all.slice(0, MAX_INSTALLED), complete };
}
