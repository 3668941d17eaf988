import type { OsFamily } from '../inventory/host.ts';
import { encodePowerShell } from './quote.ts';
import type { RenderedCommand } from './render.ts';

/**
 * The commands a reboot step runs, per OS (integrations.md §5.7). Each reboot check prints one
 * word, `required` or `not-required`, so the runner never interprets vendor output itself.
 */

/** /boot/vmlinuz-<newest> differs from the running kernel: the fallback when no tool answers. */
const KERNEL_FALLBACK = `newest=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V | tail -n 1)
if [ -n "$newest" ] && [ "$newest" != "$(uname -r)" ]; then echo required; else echo not-required; fi`;

// Ubuntu's packages create the flag file; Debian's mostly do not, so needrestart's kernel status
// (KSTA 2 or 3: a newer kernel is installed) and then the kernel comparison decide there.
const DEBIAN_CHECK = `if [ -f /var/run/reboot-required ]; then echo required; exit 0; fi
if command -v needrestart >/dev/null 2>&1; then
  case "$(needrestart -b 2>/dev/null | sed -n 's/^NEEDRESTART-KSTA: *//p')" in
    2|3) echo required; exit 0 ;;
    1) echo not-required; exit 0 ;;
  esac
fi
${KERNEL_FALLBACK}`;

// dnf needs-restarting -r: exit 1 + "Reboot is required", exit 0 "should not be necessary"; an
// exit 1 without the sentence (plugin missing) or no dnf at all falls back to the kernel check.
const RHEL_CHECK = `out=$(LC_ALL=C dnf -q needs-restarting -r 2>/dev/null); rc=$?
if [ "$rc" -eq 0 ]; then echo not-required; exit 0; fi
if [ "$rc" -eq 1 ] && printf '%s\\n' "$out" | grep -q 'Reboot is required'; then echo required; exit 0; fi
${KERNEL_FALLBACK}`;

const WINDOWS_CHECK = `$pending = $false
foreach ($key in 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired', 'HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending') {
  if (Test-Path $key) { $pending = $true }
}
if ((Get-ItemProperty -Path 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Session Manager' -Name PendingFileRenameOperations -ErrorAction SilentlyContinue).PendingFileRenameOperations) { $pending = $true }
try { if ((New-Object -ComObject Microsoft.Update.SystemInfo).RebootRequired) { $pending = $true } } catch { }
if ($pending) { 'required' } else { 'not-required' }`;

// Detached, so the command returns before the host goes down and the reboot survives the SSH
// channel closing; the delay gives the exec time to report its exit.
const LINUX_REBOOT = `nohup sh -c 'sleep 1; reboot' >/dev/null 2>&1 &`;
const WINDOWS_REBOOT = `shutdown.exe /r /t 5 /c 'patchbot reboot step'`;

const LINUX_BOOT_ID = 'cat /proc/sys/kernel/random/boot_id';
const WINDOWS_BOOT_ID = "(Get-CimInstance Win32_OperatingSystem).LastBootUpTime.ToUniversalTime().ToString('o')";

const sh = (text: string): RenderedCommand => ({ text, command: text });
const ps = (text: string): RenderedCommand => ({ text, command: encodePowerShell(text) });

export interface RebootCommands {
  /** Prints `required` or `not-required`. */
  check: RenderedCommand;
  /** Starts a reboot in the background and returns at once. */
  reboot: RenderedCommand;
  /** Prints an id that changes with every boot. */
  bootId: RenderedCommand;
}

export function rebootCommands(os: OsFamily): RebootCommands {
  switch (os) {
    case 'windows':
      return { check: ps(WINDOWS_CHECK), reboot: ps(WINDOWS_REBOOT), bootId: ps(WINDOWS_BOOT_ID) };
    case 'debian':
    case 'ubuntu':
      return { check: sh(DEBIAN_CHECK), reboot: sh(LINUX_REBOOT), bootId: sh(LINUX_BOOT_ID) };
    case 'rhel':
    case 'centos':
    case 'rocky':
    case 'alma':
    case 'fedora':
      return { check: sh(RHEL_CHECK), reboot: sh(LINUX_REBOOT), bootId: sh(LINUX_BOOT_ID) };
  }
}
