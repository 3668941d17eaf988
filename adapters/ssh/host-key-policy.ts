import { appendFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import type { Host } from '../../src/inventory/host.ts';
import { checkHostKey, fingerprint, formatKnownHostsLine, type HostKeyVerdict, type KnownHostEntry, knownHostsName, parseKnownHosts, patternsMatch } from './known-hosts.ts';

export type PolicyVerdict = HostKeyVerdict | { status: 'learned'; fingerprint: string; line: string };

export interface HostKeyPolicyOptions {
  knownHostsPath: string;
  strictHostKeys: boolean;
  onHostKeyLearned?: ((host: Host, line: string) => void) | undefined;
  log?: Logger | undefined;
}

/** The names a host is looked up under: its address and its inventory name, in the port's form. */
export const lookupNames = (host: Host): string[] => [...new Set([host.address, host.name])].map((name) => knownHostsName(name, host.port));

/** Host-key algorithms per known_hosts key type; ssh2 names RSA signatures separately from the key type. */
const ALGORITHMS_FOR_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};
const DEFAULT_ORDER = Object.values(ALGORITHMS_FOR_TYPE).flat();

/**
 * Known_hosts access for one executor. The file is re-read when its size or mtime changes (an
 * operator may add keys while the service runs); trust-on-first-use writes are serialized and
 * re-checked under the lock, so two sessions meeting a new host at once record it once.
 */
export class HostKeyPolicy {
  private cache: { mtimeMs: number; size: number; entries: KnownHostEntry[] } | null = null;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: HostKeyPolicyOptions) {}

  entries(): KnownHostEntry[] {
    let stat: { mtimeMs: number; size: number };
    try {
      stat = statSync(this.options.knownHostsPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    if (this.cache && this.cache.mtimeMs === stat.mtimeMs && this.cache.size === stat.size) return this.cache.entries;
    const parsed = parseKnownHosts(readFileSync(this.options.knownHostsPath, 'utf8'));
    if (parsed.invalidLines.length) this.options.log?.warn({ path: this.options.knownHostsPath, lines: parsed.invalidLines }, 'known_hosts has unparsable lines');
    this.cache = { mtimeMs: stat.mtimeMs, size: stat.size, entries: parsed.entries };
    return parsed.entries;
  }

  /**
   * Like OpenSSH, offer the algorithms of the key types already recorded for this host first;
   * otherwise a host known by its RSA key would present ed25519 (ssh2's first choice) and look
   * like a mismatch. Undefined when nothing is recorded: ssh2's defaults are fine.
   */
  preferredAlgorithms(host: Host): string[] | undefined {
    const names = lookupNames(host);
    const types = new Set(
      this.entries()
        .filter((e) => e.marker === null && names.some((name) => patternsMatch(e.patterns, name)))
        .map((e) => e.keyType),
    );
    const first = [...types].flatMap((type) => ALGORITHMS_FOR_TYPE[type] ?? []);
    if (first.length === 0) return undefined;
    return [...first, ...DEFAULT_ORDER.filter((a) => !first.includes(a))];
  }

  async verify(host: Host, key: Buffer): Promise<PolicyVerdict> {
    const names = lookupNames(host);
    const verdict = checkHostKey(this.entries(), names, key);
    if (verdict.status !== 'unknown' || this.options.strictHostKeys) return verdict;
    const learn = this.writing.then(() => this.learn(host, names, key));
    this.writing = learn.catch(() => undefined);
    return learn;
  }

  private learn(host: Host, names: string[], key: Buffer): PolicyVerdict {
    const again = checkHostKey(this.entries(), names, key);
    if (again.status !== 'unknown') return again;
    // Record the address we actually connected to; lookups by name still find it through the address.
    const line = formatKnownHostsLine(knownHostsName(host.address, host.port), key);
    const path = this.options.knownHostsPath;
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    let prefix = '';
    try {
      const text = readFileSync(path, 'utf8');
      if (text.length > 0 && !text.endsWith('\n')) prefix = '\n';
    } catch {
      // Missing: appendFileSync creates it with the mode below (0600, as ssh keeps it).
    }
    appendFileSync(path, `${prefix}${line}\n`, { mode: 0o600 });
    this.cache = null;
    this.options.log?.warn({ host: host.name, fingerprint: fingerprint(key), path }, 'ssh host key learned (trust on first use)');
    this.options.onHostKeyLearned?.(host, line);
    return { status: 'learned', fingerprint: fingerprint(key), line };
  }
}
