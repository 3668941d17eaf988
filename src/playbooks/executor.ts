import type { Host } from '../inventory/host.ts';
import { PatchbotError } from '../shared/errors.ts';

/**
 * The Executor port: run a command on a host. Adapters: adapters/ssh (ssh2) and adapters/local
 * (execFile on this machine). A session is one connection reused for every step of a playbook.
 */
export interface ExecRequest {
  /** A complete shell command line; parameters were already validated and shell-quoted. */
  command: string;
  /** Hard limit: when it fires the command is killed and the call rejects with ExecutionError 'timeout'. */
  timeoutMs: number;
  /** Bytes of stdout and stderr kept each (the tail); default 64 KiB. */
  maxOutputBytes?: number;
  /**
   * Aborted when the caller may no longer run anything on the host (a host run whose lease was
   * lost: another worker may take it over). The command is killed on the host, not just left
   * behind, and the call rejects with ExecutionError 'stopped'; an already aborted signal runs nothing.
   */
  signal?: AbortSignal | undefined;
}

export interface ExecResult {
  exitCode: number;
  /** The tail of stdout, at most maxOutputBytes. */
  stdout: string;
  stderr: string;
  /** True when output beyond the cap was dropped (from the head). */
  truncated: boolean;
  durationMs: number;
}

export interface HostSession {
  readonly host: Host;
  run(request: ExecRequest): Promise<ExecResult>;
  close(): Promise<void>;
}

export interface Executor {
  /** Connects (and verifies the host key); rejects with ExecutionError. */
  open(host: Host): Promise<HostSession>;
  /** Closes every open connection. */
  close(): Promise<void>;
}

export type ExecutionErrorKind = 'unreachable' | 'auth-failed' | 'host-key-unknown' | 'host-key-mismatch' | 'timeout' | 'connection-lost' | 'command-failed' | 'stopped';

const HINTS: Record<ExecutionErrorKind, string> = {
  unreachable: 'Check the address, port and firewall; the host is counted as unreachable in this scan.',
  'auth-failed': "Check execution.ssh.privateKeyPath (or the SSH agent) and that the key is in the host user's authorized_keys.",
  'host-key-unknown': 'Add the host key to execution.ssh.knownHostsPath (ssh-keyscan), or set execution.ssh.strictHostKeys: false to trust on first use.',
  'host-key-mismatch': 'The host presented a different key than known_hosts records. Verify the host before updating known_hosts: this is what a man-in-the-middle looks like.',
  timeout: 'The command was killed at its timeout; raise the step timeout if the host is just slow.',
  'connection-lost': 'The connection dropped mid-command; the host may have rebooted or the network failed.',
  'command-failed': 'See the step output for details.',
  stopped: 'patchbot stopped the command itself (its claim on the host run was lost); the run is re-checked and resumed by whoever holds it now.',
};

/** Why `signal` was aborted, in words, for an ExecutionError 'stopped'. */
export const stopReason = (signal: AbortSignal): string => (signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'stopped by the caller'));

export class ExecutionError extends PatchbotError {
  readonly kind: ExecutionErrorKind;
  readonly host: string;
  constructor(kind: ExecutionErrorKind, host: string, detail: string) {
    super(`exec-${kind}`, `${host}: ${detail}`, HINTS[kind]);
    this.kind = kind;
    this.host = host;
  }
}
