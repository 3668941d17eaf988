import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Host } from '../../../src/inventory/host.ts';
import { startSshd } from '../sshd.ts';
import { buildTools } from './build-tools.ts';
import { addressOf, type FleetSpec, specProblems } from './fleet-spec.ts';
import { createHostDir } from './host-files.ts';
import { SIMULATED_PATHS, writeHostBin, writeHostShell } from './host-shell.ts';
import { type FleetHostEntry, inventoryYaml, type InventoryYamlOptions } from './inventory-yaml.ts';
import { chooseIsolation, type Isolation } from './isolation.ts';
import { type Candidate, failedUnits, HOST_PATHS, hostPaths, readState, takeLock, writeState } from './tools/host-state.ts';
import { SETTINGS_FILE, type FleetSettings } from './tools/tool-context.ts';

/**
 * A fleet of simulated Debian hosts behind ONE real OpenSSH sshd (test/support/sshd.ts), for
 * end-to-end tests of scans, rollouts and rollbacks with patchbot's real SSH executor and its
 * real shipped playbooks.
 *
 * - Each host is a loopback address (127.0.0.11, .12, …) on the sshd's one port; known_hosts
 *   lists the host key for each `[address]:port`. sshd's ForceCommand (host-shell.ts) tells the
 *   host from the server address in $SSH_CONNECTION and runs the command in that host's world.
 * - A host's world: its package db, candidates and units (tools/host-state.ts), served by
 *   simulated apt-get, dpkg-query, systemctl, reboot/shutdown, uname, hostname and optionally
 *   needrestart (tools/*.ts, first on PATH); and its own copies of the absolute paths the
 *   playbooks use — /var/tmp, /var/run (/run), /etc/os-release, the boot id, /var/lib/apt/lists,
 *   /boot. Two ways to get there (host-shell.ts): a private mount namespace, where the command
 *   runs exactly as sent and the real root is read-only; or, where namespaces are not allowed,
 *   the one liberty of rewriting those absolute paths in the command text (both texts logged).
 * - The real machine is never modified: package tools are shims (tools the fleet does not
 *   simulate, like dpkg or poweroff, are shims that refuse), a command naming a real package
 *   tool or database by path is refused (exit 126), and the hosts' files live in the fleet's
 *   temp dir. In namespace mode the real root file system is also read-only to every host
 *   command, so even a playbook writing elsewhere (/etc/…) fails instead of writing here (other
 *   mounts this machine may have, say a separate /home, are not covered); rewrite mode has no
 *   such net — only the simulated paths are the host's — which is why namespace mode is preferred.
 *
 * Not simulated: networking, package contents, maintainer scripts, processes killed by a reboot,
 * apt's dependency solver beyond the `requires` a candidate lists. /tmp is this machine's
 * (TMPDIR points into the host's root). stop() ends the sshd and its connections; a detached
 * `sleep 1; reboot` issued less than a second before may still run and then find no fleet.
 */

export type { Candidate } from './tools/host-state.ts';
export type { FleetHostSpec, FleetSpec } from './fleet-spec.ts';
export type { Isolation } from './isolation.ts';

export interface HostCommand {
  /** Epoch ms when the host received it. */
  at: number;
  /** Exactly what patchbot sent ($SSH_ORIGINAL_COMMAND, the executor's `timeout …` wrapper included). */
  command: string;
  /** What ran: `command` itself in namespace mode, the path-rewritten text in rewrite mode. */
  ran: string;
  /** Not run: the host was down (rebooting), or the command named a real package tool or database by path. */
  refused: null | 'host-down' | 'real-path';
}

export interface ToolCall {
  at: number;
  tool: string;
  args: string[];
}

export interface Fleet {
  hosts: FleetHostEntry[];
  port: number;
  user: string;
  clientKeyPath: string;
  knownHostsPath: string;
  isolation: Isolation;
  /** The fleet's temp dir (hosts/<name>/root is each host's file system). */
  dir: string;
  /** The inventory Host, for runPlaybook and the executor. */
  host(name: string): Host;
  installed(name: string): Record<string, string>;
  candidates(name: string): Record<string, Candidate>;
  /** Publishes (or with null withdraws) a candidate version: the "mirror" changed. */
  setCandidate(name: string, pkg: string, candidate: Candidate | null): void;
  /** The mirror dropped this version and apt's cache was cleaned: only a saved .deb can bring it back. */
  forget(name: string, pkg: string, version: string): void;
  commands(name: string): HostCommand[];
  toolCalls(name: string): ToolCall[];
  bootId(name: string): string;
  rebootRequired(name: string): boolean;
  failedUnits(name: string): string[];
  /** Where a host's absolute path lives in the fleet dir: hostFile('web-01', '/var/tmp/patchbot-before-X'). */
  hostFile(name: string, path: string): string;
  inventoryYaml(groupsByHost?: Readonly<Record<string, readonly string[]>>, options?: InventoryYamlOptions): string;
  stop(): Promise<void>;
}

const hasRealNeedrestart = () => ['/usr/sbin/needrestart', '/usr/bin/needrestart', '/sbin/needrestart'].some(existsSync);

export async function startFleet(spec: FleetSpec): Promise<Fleet> {
  const problems = specProblems(spec);
  if (problems.length) throw new Error(`startFleet: ${problems.join('; ')}`);
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'patchbot-fleet-')));
  // A fleet dir under a simulated path would be hidden by, or rewritten into, a host's copy of it.
  const shadowed = SIMULATED_PATHS.find((p) => dir === `/${p}` || dir.startsWith(`/${p}/`));
  if (shadowed) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`startFleet: the temp dir ${dir} is under /${shadowed}, which each host simulates; set TMPDIR elsewhere (e.g. /tmp)`);
  }
  try {
    const hostDirOf = (name: string) => join(dir, 'hosts', name);
    const toolsMain = buildTools(join(dir, 'tools'));
    const realNeedrestart = hasRealNeedrestart();
    for (const host of spec.hosts) {
      createHostDir(hostDirOf(host.name), host);
      writeHostBin(hostDirOf(host.name), toolsMain, host.needrestart ? 'simulated' : realNeedrestart ? 'silent' : 'absent');
    }
    writeFileSync(join(dir, 'addresses'), spec.hosts.map((h, i) => `${addressOf(i)} ${h.name}\n`).join(''));
    // The namespace probe needs the scripts; host-shell is rewritten once the mode is known.
    writeHostShell(dir, toolsMain, 'rewrite');
    const isolation = chooseIsolation(spec.isolation ?? 'auto', dir, hostDirOf(spec.hosts[0]!.name));
    const forceCommand = writeHostShell(dir, toolsMain, isolation);

    const sshd = await startSshd({
      listenAddresses: spec.hosts.map((_, i) => addressOf(i)),
      extraConfig: [`ForceCommand ${forceCommand}`, 'PermitTTY no', 'AllowTcpForwarding no', 'AllowAgentForwarding no', 'X11Forwarding no', 'PermitUserEnvironment no'],
    });
    writeFileSync(join(dir, 'listener.pid'), `${sshd.pid}\n`);
    const settings: FleetSettings = { listenerPid: sshd.pid, rebootDowntimeMs: spec.rebootDowntimeMs ?? 1000 };
    writeFileSync(join(dir, SETTINGS_FILE), JSON.stringify(settings));

    const hosts: FleetHostEntry[] = spec.hosts.map((h, i) => ({ name: h.name, address: addressOf(i), port: sshd.port, user: sshd.user, os: h.os ?? 'debian', tags: { ...h.tags } }));
    const hostDir = (name: string) => {
      if (!hosts.some((h) => h.name === name)) throw new Error(`no fleet host named ${name} (${hosts.map((h) => h.name).join(', ')})`);
      return hostDirOf(name);
    };
    const ssh = { privateKeyPath: sshd.clientKeyPath, knownHostsPath: sshd.knownHostsPath };

    return {
      hosts,
      port: sshd.port,
      user: sshd.user,
      clientKeyPath: sshd.clientKeyPath,
      knownHostsPath: sshd.knownHostsPath,
      isolation,
      dir,
      host: (name) => {
        hostDir(name);
        return Host.parse(hosts.find((h) => h.name === name));
      },
      installed: (name) => readState(hostDir(name)).installed,
      candidates: (name) => readState(hostDir(name)).candidates,
      setCandidate(name, pkg, candidate) {
        const held = takeLock(hostDir(name), 10_000);
        if (!('release' in held)) throw new Error(`setCandidate: ${name}'s dpkg lock is held by ${held.heldBy}`);
        try {
          const state = readState(hostDir(name));
          if (candidate) state.candidates[pkg] = candidate;
          else delete state.candidates[pkg];
          writeState(hostDir(name), state);
        } finally {
          held.release();
        }
      },
      forget(name, pkg, version) {
        const held = takeLock(hostDir(name), 10_000);
        if (!('release' in held)) throw new Error(`forget: ${name}'s dpkg lock is held by ${held.heldBy}`);
        try {
          const state = readState(hostDir(name));
          state.cached[pkg] = (state.cached[pkg] ?? []).filter((v) => v !== version);
          writeState(hostDir(name), state);
        } finally {
          held.release();
        }
      },
      commands: (name) => readCommands(hostPaths(hostDir(name)).commands),
      toolCalls: (name) =>
        readFileSync(hostPaths(hostDir(name)).tools, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as ToolCall),
      bootId: (name) => readFileSync(hostPaths(hostDir(name)).file(HOST_PATHS.bootId), 'utf8').trim(),
      rebootRequired: (name) => existsSync(hostPaths(hostDir(name)).file(HOST_PATHS.rebootRequired)),
      failedUnits: (name) => failedUnits(readState(hostDir(name))),
      hostFile: (name, path) => {
        if (!path.startsWith('/')) throw new Error(`hostFile wants an absolute path, got ${path}`);
        return hostPaths(hostDir(name)).file(path.replace(/^\/var\/run\//, '/run/').slice(1));
      },
      inventoryYaml: (groupsByHost = {}, options = {}) => inventoryYaml(hosts, ssh, groupsByHost, options),
      async stop() {
        await sshd.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** hosts/<name>/log/commands/<ns-stamp>-<pid>.{cmd,run,down,refused} (host-shell.ts), in arrival order. */
function readCommands(dir: string): HostCommand[] {
  const files = readdirSync(dir);
  const stamps = [...new Set(files.map((f) => f.replace(/\.[a-z]+$/, '')))].sort();
  return stamps.flatMap((stamp): HostCommand[] => {
    const read = (ext: string) => (files.includes(`${stamp}.${ext}`) ? readFileSync(join(dir, `${stamp}.${ext}`), 'utf8') : null);
    const at = Math.floor(Number(stamp.split('-')[0]) / 1e6);
    const down = read('down');
    if (down !== null) return [{ at, command: down, ran: '', refused: 'host-down' }];
    const refused = read('refused');
    if (refused !== null) return [{ at, command: refused, ran: '', refused: 'real-path' }];
    const command = read('cmd');
    return command === null ? [] : [{ at, command, ran: read('run') ?? command, refused: null }];
  });
}
