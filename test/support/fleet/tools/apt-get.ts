import { appendFileSync, existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AptUsageError, type AptArgs, parseAptArgs } from './apt-args.ts';
import { dpkgLines, type OsInfo, parseOsRelease, planLines, READING, SIMULATION_NOTE, simulationLines } from './apt-output.ts';
import { download, fromFiles } from './apt-files.ts';
import { AptError, displayName, kindOf, type Plan, planInstall, upgradeAll } from './apt-plan.ts';
import { HOST_PATHS, hostPaths, type HostState, readState, takeLock, writeState } from './host-state.ts';
import type { Tool, ToolContext } from './tool-context.ts';

/**
 * apt-get, as far as patchbot's Debian playbooks use it: `update` (the lists are fixtures, so it
 * only refreshes their date), `-s dist-upgrade` / `-s upgrade` (what the scan parses),
 * `install [--only-upgrade] pkg=version…`, `install --allow-downgrades pkg=version|/path.deb…`
 * and `download pkg=version…` (apply and rollback; apt-files.ts). A real upgrade or any other operation exits 100 with apt's kind of message.
 */

const osOf = (ctx: ToolContext): OsInfo => parseOsRelease(readFileSync(hostPaths(ctx.hostDir).file(HOST_PATHS.osRelease), 'utf8'));

export const LISTS_FILE = (codename: string) => `deb.debian.org_debian_dists_${codename || 'stable'}_main_binary-amd64_Packages`;

function update(ctx: ToolContext, args: AptArgs): number {
  if (args.words.length) {
    ctx.err('E: The update command takes no arguments');
    return 100;
  }
  const os = osOf(ctx);
  const lists = join(hostPaths(ctx.hostDir).file(HOST_PATHS.aptLists), LISTS_FILE(os.codename));
  if (!existsSync(lists)) writeFileSync(lists, '');
  const now = new Date();
  utimesSync(lists, now, now);
  if (args.quiet < 2) {
    ctx.out(
      `Hit:1 http://deb.debian.org/debian ${os.codename} InRelease`,
      `Hit:2 http://deb.debian.org/debian ${os.codename}-updates InRelease`,
      `Hit:3 http://deb.debian.org/debian-security ${os.codename}-security InRelease`,
      'Reading package lists...',
    );
  }
  return 0;
}

function simulateUpgrade(ctx: ToolContext, args: AptArgs): number {
  if (!args.simulate) {
    ctx.err(`E: the fleet simulator runs apt-get ${args.operation} only as a simulation (-s); the playbooks upgrade with install --only-upgrade`);
    return 100;
  }
  if (args.words.length) {
    ctx.err(`E: The ${args.operation} command takes no arguments`);
    return 100;
  }
  const state = readState(ctx.hostDir);
  const plan = upgradeAll(state);
  if (process.getuid?.() !== 0) ctx.out(...SIMULATION_NOTE);
  ctx.out(...READING, 'Calculating upgrade...', ...planLines(plan), ...simulationLines(state, osOf(ctx), plan.actions));
  return 0;
}

/** Apply a plan as dpkg would: new versions in, the old ones kept in apt's cache, reboot flag set. */
function apply(ctx: ToolContext, state: HostState, plan: Plan): void {
  ctx.out(...dpkgLines(plan.actions));
  for (const action of plan.actions) {
    state.installed[action.key] = action.to;
    const cached = new Set(state.cached[action.key] ?? []);
    if (action.from !== null) cached.add(action.from);
    cached.add(action.to);
    state.cached[action.key] = [...cached];
  }
  // Like the kernel's and libc's postinst (update-notifier-common's hook): flag file plus the package list.
  const askers = plan.actions.filter((a) => state.rebootAfter.includes(a.key) || state.rebootAfter.includes(displayName(a.key)));
  if (askers.length) {
    const run = hostPaths(ctx.hostDir).file(HOST_PATHS.rebootRequired);
    writeFileSync(run, '*** System restart required ***\n');
    appendFileSync(`${run}.pkgs`, askers.map((a) => `${displayName(a.key)}\n`).join(''));
  }
  writeState(ctx.hostDir, state);
}

function install(ctx: ToolContext, args: AptArgs): number {
  const lockTimeout = Number(args.config.get('dpkg::lock::timeout') ?? 0);
  const lock = args.simulate ? null : takeLock(ctx.hostDir, Number.isFinite(lockTimeout) ? lockTimeout * 1000 : 0);
  if (lock && 'heldBy' in lock) {
    ctx.err(
      `E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process ${lock.heldBy} (apt-get)`,
      'E: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), is another process using it?',
    );
    return 100;
  }
  try {
    // Read under the lock: another session may have just changed the packages.
    const state = readState(ctx.hostDir);
    if (args.simulate && process.getuid?.() !== 0) ctx.out(...SIMULATION_NOTE);
    ctx.out(...READING);
    const files = fromFiles(state, args.words);
    if (files.problem) throw new AptError(files.problem);
    const plan = planInstall(state, files.words, args.onlyUpgrade);
    ctx.out(...planLines(plan));
    if (args.simulate) {
      ctx.out(...simulationLines(state, osOf(ctx), plan.actions));
      return 0;
    }
    if (plan.actions.length === 0) return 0;
    if (!args.assumeYes) {
      // stdin is not a terminal over a pty-less exec: apt reads EOF and aborts.
      ctx.out('Do you want to continue? [Y/n] Abort.');
      return 1;
    }
    if (plan.actions.some((a) => kindOf(a) === 'downgrade') && !args.allowDowngrades) {
      ctx.err('E: Packages were downgraded and -y was used without --allow-downgrades.');
      return 100;
    }
    apply(ctx, state, plan);
    return 0;
  } catch (error) {
    if (!(error instanceof AptError)) throw error;
    ctx.err(error.message);
    return 100;
  } finally {
    if (lock && 'release' in lock) lock.release();
  }
}

export const aptGet: Tool = (ctx, argv) => {
  let args: AptArgs;
  try {
    args = parseAptArgs(argv);
  } catch (error) {
    if (!(error instanceof AptUsageError)) throw error;
    ctx.err(error.message);
    return 100;
  }
  switch (args.operation) {
    case 'update':
      return update(ctx, args);
    case 'dist-upgrade':
    case 'upgrade':
      return simulateUpgrade(ctx, args);
    case 'install':
      return install(ctx, args);
    case 'download':
      return download(ctx, readState(ctx.hostDir), args.words);
    case null:
      ctx.err('E: No operation given (the fleet simulator implements update, -s dist-upgrade, -s upgrade and install)');
      return 100;
    default:
      ctx.err(`E: Invalid operation ${args.operation}`);
      return 100;
  }
};
