import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CMD_EXE_LIMIT, encodePowerShell } from '../../src/playbooks/quote.ts';

/**
 * apply-windows-kb's "already present" check reads what the host has as scan-windows does:
 * Get-HotFix and the Update Agent's history, so a KB the Update Agent installed that Get-HotFix
 * does not list (.NET, MSI-based updates) is present, not "not offered and not installed". No
 * PowerShell runs on this machine, so this checks the script's text: the history is read by the
 * scan's own lines, before the check that uses it.
 */
const stepsOf = (name: string): { name: string; run?: string }[] =>
  (parse(readFileSync(join(import.meta.dirname, '../../playbooks', `${name}.yaml`), 'utf8')) as { steps: { name: string; run?: string }[] }).steps;
const lines = (script: string) => script.split('\n').map((l) => l.trim());

describe('apply-windows-kb counts a KB as present as the scan does', () => {
  const scan = lines(stepsOf('scan-windows')[0]!.run!);
  const installer = lines(stepsOf('apply-windows-kb')[0]!.run!);

  it("reads the Update Agent's history with the scan's lines and adds it to Get-HotFix's before deciding what is not found", () => {
    const history = scan.slice(
      scan.findIndex((l) => l.includes('.QueryHistory(0, $n)')),
      scan.findIndex((l) => l.includes('$had[$m.Value] = ([int]$e.Operation -eq 1)')) + 1,
    );
    expect(history).toHaveLength(3);
    const at = installer.indexOf(history[0]!);
    expect(at).toBeGreaterThan(0);
    expect(installer.slice(at, at + history.length)).toEqual(history);
    const hotfix = installer.findIndex((l) => l.startsWith('$present = @(Get-HotFix'));
    const added = installer.indexOf('$present += @($had.Keys | Where-Object { $had[$_] })');
    const decided = installer.findIndex((l) => l.startsWith('$out.notFound = @($req.kbs | Where-Object { ($offered -notcontains $_) -and ($present -notcontains $_) })'));
    expect([hotfix, at, added, decided].every((n) => n >= 0)).toBe(true);
    expect(hotfix < at && at < added && added < decided).toBe(true);
  });

  it('says when the history could not be read, and stays under cmd.exe’s line limit', () => {
    expect(installer).toContain('} catch { $out.historyError = $_.Exception.Message }');
    const wait = stepsOf('apply-windows-kb').find((s) => s.name === 'wait for the installation')!.run!;
    expect(wait).toContain("Get-HotFix only: the Update Agent's history could not be read: $($doc.historyError)");
    for (const name of ['scan-windows', 'apply-windows-kb']) for (const step of stepsOf(name)) if (step.run) expect(encodePowerShell(step.run).length).toBeLessThanOrEqual(CMD_EXE_LIMIT);
  });
});
