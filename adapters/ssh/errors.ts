import type { Host } from '../../src/inventory/host.ts';
import { ExecutionError } from '../../src/playbooks/executor.ts';
import type { PolicyVerdict } from './host-key-policy.ts';

/** ssh2 tags its errors with `level`; socket errors also carry the errno `code`. */
export type Ssh2Error = Error & { level?: string; code?: string };

/** `root@10.0.0.5:22`, so every message says exactly where we tried to go. */
export const target = (host: Host): string => `${host.user}@${host.address}:${host.port}`;

/**
 * The precise refusal decided in the host verifier. ssh2 reports every refusal as the same
 * handshake error ("Host denied (verification failed)"), so the connection keeps the verdict and
 * this turns it into the error the operator can act on. Null when the key was accepted.
 */
export const verdictError = (host: Host, verdict: PolicyVerdict): ExecutionError | null => {
  switch (verdict.status) {
    case 'trusted':
    case 'learned':
      return null;
    case 'unknown':
      return new ExecutionError(
        'host-key-unknown',
        host.name,
        `${target(host)} presented host key ${verdict.fingerprint}, which is not in known_hosts; refusing to connect (strict host key checking)`,
      );
    case 'mismatch': {
      const known = verdict.known.map((k) => `${k.keyType} ${k.fingerprint} (line ${k.lineNumber})`).join(', ');
      return new ExecutionError('host-key-mismatch', host.name, `${target(host)} presented host key ${verdict.fingerprint}, but known_hosts records ${known}; refusing to connect`);
    }
    case 'revoked':
      return new ExecutionError(
        'host-key-mismatch',
        host.name,
        `${target(host)} presented host key ${verdict.fingerprint}, which known_hosts marks @revoked (line ${verdict.lineNumber}); refusing to connect`,
      );
  }
};

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);

/** An error raised before the session was ready (TCP, handshake, authentication). */
export const connectError = (host: Host, error: Ssh2Error, connectTimeoutMs: number): ExecutionError => {
  const where = target(host);
  if (error.level === 'client-authentication') {
    return new ExecutionError('auth-failed', host.name, `${where} rejected our key(s): ${error.message}`);
  }
  if (error.level === 'agent') {
    return new ExecutionError('auth-failed', host.name, `${where}: the SSH agent failed: ${error.message}`);
  }
  if (error.level === 'client-timeout') {
    return new ExecutionError('unreachable', host.name, `${where} did not complete the SSH handshake within ${connectTimeoutMs} ms`);
  }
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN' || error.level === 'client-dns') {
    return new ExecutionError('unreachable', host.name, `cannot resolve ${host.address}: ${error.message}`);
  }
  if (error.code === 'ECONNREFUSED') {
    return new ExecutionError('unreachable', host.name, `${where} refused the connection (is sshd running on port ${host.port}?)`);
  }
  if ((error.code && UNREACHABLE_CODES.has(error.code)) || error.level === 'client-socket') {
    return new ExecutionError('unreachable', host.name, `${where}: ${error.message}`);
  }
  // Protocol and handshake failures (no common algorithm, banner garbage, dropped before the
  // handshake): we never got a usable session, which for a scan means the host is unreachable.
  return new ExecutionError('unreachable', host.name, `${where}: SSH ${error.level ?? 'connection'} error: ${error.message}`);
};

/** A private key that ssh2 refuses to parse (wrong format, encrypted without passphrase). */
export const keyError = (host: Host, error: Error): ExecutionError =>
  new ExecutionError('auth-failed', host.name, `cannot use the configured private key for ${target(host)}: ${error.message}`);

export const connectionLost = (host: Host, reason: string): ExecutionError => new ExecutionError('connection-lost', host.name, `${target(host)}: ${reason}`);
