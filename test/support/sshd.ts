import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './postgres-cluster.ts';

/**
 * A real OpenSSH sshd on a free loopback port (DESIGN §9), configured per integrations.md §7.3:
 * generated ed25519 host and client keys in a temp dir, key-only auth for the current user, and
 * a known_hosts file with the correct `[127.0.0.1]:port` entry (one per listen address, see
 * StartSshdOptions). `stop()` ends only the processes this helper started (the listener and its
 * per-connection children) and deletes the dir.
 */
export interface Sshd {
  /** The first listen address: 127.0.0.1 unless StartSshdOptions.listenAddresses says otherwise. */
  host: string;
  /** Every listen address (one port); known_hosts has an `[address]:port` line for each. */
  addresses: string[];
  port: number;
  user: string;
  dir: string;
  clientKeyPath: string;
  knownHostsPath: string;
  /** The host key as `ssh-ed25519 AAAA… comment` (its .pub file). */
  hostPublicKey: string;
  hostPublicKeyPath: string;
  logPath: string;
  pid: number;
  /** PIDs of sshd's per-connection processes: kill one to drop a client's connection mid-command. */
  connectionPids(): number[];
  stop(): Promise<void>;
}

export const SSHD = '/usr/sbin/sshd';
const PRIVSEP_DIR = '/run/sshd';

/** Null when an sshd can be started here, else why not (mirrors postgresAvailable). */
export const sshdAvailable = (): string | null => {
  if (!existsSync(SSHD)) return `${SSHD} not found (apt-get install openssh-server)`;
  if (spawnSync('ssh-keygen', ['-?'], { stdio: 'ignore' }).error) return 'ssh-keygen not found (apt-get install openssh-client)';
  if (!existsSync(PRIVSEP_DIR)) {
    try {
      mkdirSync(PRIVSEP_DIR, { recursive: true, mode: 0o755 });
    } catch (error) {
      return `sshd needs ${PRIVSEP_DIR} and it cannot be created: ${(error as Error).message}`;
    }
  }
  try {
    accessSync(SSHD, constants.X_OK);
  } catch {
    return `${SSHD} is not executable`;
  }
  return null;
};

/** For `describe.skipIf`: the reason to skip, printed once; under CI=true a missing sshd fails instead. */
export const sshdSkipReason = (): string | null => {
  const missing = sshdAvailable();
  if (missing && process.env.CI === 'true') throw new Error(`CI needs a real sshd for the SSH tests: ${missing}`);
  if (missing) console.warn(`skipping SSH tests: ${missing}`);
  return missing;
};

/** Generates an unencrypted ed25519 key pair; returns the private key path and the public key line. */
export const generateKey = (path: string, comment = 'patchbot-test'): { privateKeyPath: string; publicKey: string } => {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { stdio: 'pipe' });
  return { privateKeyPath: path, publicKey: readFileSync(`${path}.pub`, 'utf8').trim() };
};

const waitForPort = async (host: string, port: number, child: ChildProcess, logPath: string, timeoutMs = 15_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  const log = existsSync(logPath) ? readFileSync(logPath, 'utf8') : '';
  child.kill('SIGKILL');
  throw new Error(`sshd did not start listening on ${host}:${port} (exit ${child.exitCode ?? child.signalCode}):\n${log}`);
};

export interface StartSshdOptions {
  /**
   * Loopback addresses to listen on, all with the same port (default ['127.0.0.1']). All of
   * 127.0.0.0/8 is loopback on Linux, so each address can stand for another host (test/support/fleet).
   */
  listenAddresses?: string[];
  /** sshd_config lines appended after the defaults (ForceCommand, Match blocks…). */
  extraConfig?: string[];
}

export const startSshd = async (options: StartSshdOptions = {}): Promise<Sshd> => {
  const missing = sshdAvailable();
  if (missing) throw new Error(missing);
  const addresses = options.listenAddresses ?? ['127.0.0.1'];
  const notLoopback = addresses.filter((a) => !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a));
  if (addresses.length === 0 || notLoopback.length) throw new Error(`startSshd listens on IPv4 loopback addresses only, got ${JSON.stringify(addresses)}`);
  const dir = mkdtempSync(join(tmpdir(), 'patchbot-sshd-'));
  const hostKey = generateKey(join(dir, 'host_ed25519'), 'patchbot-test-host');
  const client = generateKey(join(dir, 'client_ed25519'), 'patchbot-test-client');
  writeFileSync(join(dir, 'authorized_keys'), `${client.publicKey}\n`, { mode: 0o600 });
  const port = await freePort();
  const config = [
    ...addresses.map((address) => `ListenAddress ${address}`),
    `Port ${port}`,
    `HostKey ${hostKey.privateKeyPath}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    // The tests run as root in containers; key-only root login is what a patch bot uses anyway.
    'PermitRootLogin prohibit-password',
    'StrictModes no',
    'UseDNS no',
    'PrintMotd no',
    // The first number must be at least the client concurrency, or sshd drops handshakes (§7.3).
    'MaxStartups 100:30:200',
    'MaxSessions 10',
    'LogLevel ERROR',
    // Bash skips ~/.bashrc for non-interactive execs when SHLVL is set: fast, predictable commands.
    'SetEnv SHLVL=1',
    ...(options.extraConfig ?? []),
  ].join('\n');
  const configPath = join(dir, 'sshd_config');
  writeFileSync(configPath, `${config}\n`);
  const knownHostsPath = join(dir, 'known_hosts');
  const [type, blob] = hostKey.publicKey.split(' ');
  writeFileSync(knownHostsPath, addresses.map((address) => `[${address}]:${port} ${type} ${blob}\n`).join(''), { mode: 0o600 });
  const logPath = join(dir, 'sshd.log');

  // -D: stay in the foreground as our child, so we know its PID; sshd needs its absolute path to re-exec.
  const child = spawn(SSHD, ['-D', '-f', configPath, '-E', logPath], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPort(addresses[0]!, port, child, logPath);
  const pid = child.pid!;

  const connectionPids = (): number[] => {
    const found = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
    return found.stdout.split('\n').filter(Boolean).map(Number);
  };
  const kill = (target: number, signal: NodeJS.Signals) => {
    try {
      process.kill(target, signal);
    } catch {
      // Already gone.
    }
  };

  return {
    host: addresses[0]!,
    addresses,
    port,
    user: userInfo().username,
    dir,
    clientKeyPath: client.privateKeyPath,
    knownHostsPath,
    hostPublicKey: hostKey.publicKey,
    hostPublicKeyPath: `${hostKey.privateKeyPath}.pub`,
    logPath,
    pid,
    connectionPids,
    async stop() {
      // Connections outlive a killed listener, so end them first; all are our child's children.
      for (const connection of connectionPids()) kill(connection, 'SIGTERM');
      if (child.exitCode === null && child.signalCode === null) {
        kill(pid, 'SIGTERM');
        const force = setTimeout(() => kill(pid, 'SIGKILL'), 5_000);
        await exited;
        clearTimeout(force);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
