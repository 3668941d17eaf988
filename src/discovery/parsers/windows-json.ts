import { z } from 'zod';

/**
 * The document the Windows scan prints (see windows.ts), with the shapes PowerShell really
 * produces: ConvertTo-Json turns a one-element pipeline into a bare object and an empty one into
 * null; `KB` may be an array, one string (possibly "KB1 KB2"), or a bare number; MsrcSeverity is
 * '' or null when Microsoft did not rate the update.
 */

const listOf = <T extends z.ZodType>(item: T) => z.preprocess((v): unknown => (v == null ? [] : Array.isArray(v) ? v : [v]), z.array(item));

/** Strings or numbers, alone or in an array, split on blanks and commas. */
const tokens = z.preprocess(
  (v): unknown => (v == null ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.union([z.string(), z.number()])).transform((xs) => xs.flatMap((x) => String(x).split(/[\s,]+/)).filter(Boolean)),
);

export const WindowsMissing = z.object({
  Title: z.string().trim().min(1),
  KB: tokens,
  Severity: z.preprocess((v) => v ?? '', z.string().trim()),
  RebootRequired: z.boolean().default(false),
  CVEs: tokens.optional(),
  /** IUpdate.Identity.UpdateID (windows-update-ids.ts); absent from scans printed before it was. */
  UpdateID: z.string().trim().nullish(),
  /** IUpdate.SupersededUpdateIDs: one string alone is a one-element list, null an empty one. */
  SupersededUpdateIDs: z.preprocess((v): unknown => (v === null ? [] : typeof v === 'string' ? [v] : v), z.array(z.string().trim()).optional()),
});
export type WindowsMissing = z.infer<typeof WindowsMissing>;

export const WindowsHotfix = z.object({
  HotFixID: z.string().trim(),
  // Get-HotFix serializes InstalledOn as a string, an object or null depending on the
  // PowerShell version; the parser does not need it.
  InstalledOn: z.unknown().optional(),
});

export const WindowsScan = z.object({
  os: z.string().trim().min(1),
  installed: listOf(WindowsHotfix),
  missing: listOf(WindowsMissing),
  rebootPending: z.boolean(),
  /**
   * The KBs the Update Agent's history shows installed (windows-installed.ts). Absent from scans
   * printed before it was added, null when the history could not be read (`historyError` says
   * why): either way the scan cannot show every KB the host has. One string alone is a one-element
   * list; anything else but strings is refused with the document.
   */
  history: z.preprocess((v): unknown => (typeof v === 'string' ? [v] : v), z.array(z.string().trim()).nullish()),
  historyError: z.string().nullish(),
});
export type WindowsScan = z.infer<typeof WindowsScan>;

/** `KB5034441`, `kb5034441` or `5034441` → `KB5034441`; anything else → null. */
export function canonicalKb(token: string): string | null {
  const m = /^(?:KB)?(\d{6,8})$/i.exec(token.trim());
  return m ? `KB${m[1]}` : null;
}

/**
 * ConvertTo-Json stops at -Depth (default 2) and writes deeper values with ToString(), so an
 * array of KBs becomes "System.Object[]": the document is syntactically fine and silently wrong.
 */
export const DEPTH_HINT = 'Run ConvertTo-Json with -Depth 5: at the default depth PowerShell writes nested lists as "System.Object[]".';
export const isDepthArtifact = (token: string): boolean => /^System\.[\w.]+(\[\])?$/.test(token) || token.startsWith('@{');

export function issuesOf(error: z.ZodError): string {
  const path = (p: PropertyKey[]) => p.map((k, n) => (typeof k === 'number' ? `[${k}]` : `${n ? '.' : ''}${String(k)}`)).join('') || '(document)';
  const shown = error.issues.slice(0, 3).map((i) => `${path(i.path)}: ${i.message}`);
  const more = error.issues.length > 3 ? ` and ${error.issues.length - 3} more` : '';
  return `${shown.join('; ')}${more}`;
}
