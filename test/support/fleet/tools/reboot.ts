import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareVersions } from './debian-version.ts';
import { HOST_PATHS, hostPaths, readState, writeState } from './host-state.ts';
import { readSettings, type Tool, type ToolContext } from './tool-context.ts';

/**
 * `reboot`, `shutdown -r` and `systemctl reboot`: the host "goes down" and "comes back" as one
 * with a new boot id (what src/playbooks/reboot-step.ts checks), an empty /run (so no
 * reboot-required flag), the newest installed kernel running, and for `rebootDowntimeMs` it drops
 * every SSH session (the wrapper does, see host-shell.ts). Its live SSH connections are dropped
 * at once, as a real reboot drops them. Processes other sessions run on the host are not killed.
 */

const ppidOf = (pid: number): number | null => {
  try {
    return Number(/^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  } catch {
    return null;
  }
};

/** Ends this host's sshd connection processes: only those still children of the fleet's listener (a pid may have been reused). */
export function dropConnections(ctx: ToolContext): number {
  const paths = hostPaths(ctx.hostDir);
  const { listenerPid } = readSettings(ctx.fleetDir);
  let pids: number[] = [];
  try {
    pids = [...new Set(readFileSync(paths.connections, 'utf8').split('\n').filter(Boolean).map(Number))];
  } catch {
    // No connection recorded.
  }
  writeFileSync(paths.connections, '');
  let dropped = 0;
  for (const pid of pids) {
    if (ppidOf(pid) !== listenerPid) continue;
    try {
      process.kill(pid, 'SIGTERM');
      dropped++;
    } catch {
      // Gone already.
    }
  }
  return dropped;
}

export const reboot: Tool = (ctx, args) => {
  const paths = hostPaths(ctx.hostDir);
  const settings = readSettings(ctx.fleetDir);
  if (args.some((a) => !['-f', '--force', '--no-wall'].includes(a))) {
    ctx.err(`reboot ${args.join(' ')}: not simulated by the fleet (it implements reboot, shutdown -r, systemctl reboot)`);
    return 1;
  }
  writeFileSync(paths.downUntil, String(Date.now() + settings.rebootDowntimeMs));
  writeFileSync(paths.file(HOST_PATHS.bootId), `${randomUUID()}\n`);
  // /run is a tmpfs: nothing in it survives a boot, the reboot-required flag included.
  const run = paths.file(HOST_PATHS.run);
  for (const entry of readdirSync(run)) rmSync(join(run, entry), { recursive: true, force: true });
  const kernels = readdirSync(paths.file(HOST_PATHS.boot))
    .filter((f) => f.startsWith('vmlinuz-'))
    .map((f) => f.slice('vmlinuz-'.length))
    .sort(compareVersions);
  const state = readState(ctx.hostDir);
  const newest = kernels.at(-1);
  if (newest && newest !== state.kernel) writeState(ctx.hostDir, { ...state, kernel: newest });
  dropConnections(ctx);
  return 0;
};

export const shutdown: Tool = (ctx, args) => {
  const rest = args.filter((a) => a !== '-r' && a !== '--reboot');
  const when = rest.filter((a) => !a.startsWith('-'));
  if (rest.length === args.length || when.length > 1 || (when[0] && !/^(now|\+0)$/.test(when[0])) || rest.some((a) => a.startsWith('-'))) {
    ctx.err(`shutdown ${args.join(' ')}: not simulated by the fleet (it implements shutdown -r [now|+0])`);
    return 1;
  }
  return reboot(ctx, []);
};
