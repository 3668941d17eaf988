import type { Logger } from 'pino';
import { Client, type ConnectConfig, type HostVerifier, type ServerHostKeyAlgorithm } from 'ssh2';
import type { Host } from '../../src/inventory/host.ts';
import { ExecutionError } from '../../src/playbooks/executor.ts';
import { ChannelLimiter } from './channel-limiter.ts';
import { connectError, keyError, type Ssh2Error, target, verdictError } from './errors.ts';
import type { HostKeyPolicy, PolicyVerdict } from './host-key-policy.ts';

export interface ConnectionSettings {
  privateKey?: Buffer | undefined;
  agent?: string | undefined;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  maxChannels: number;
  policy: HostKeyPolicy;
  log?: Logger | undefined;
}

/**
 * One authenticated ssh2 connection and its channel cap. Once closed — by us, by the host, or by
 * a keepalive timeout — it stays closed; the session opens a new one for the next run.
 */
export class SshConnection {
  readonly limiter: ChannelLimiter;
  private reason: string | null = null;
  private readonly listeners = new Set<(reason: string) => void>();
  private readonly socketClosed: Promise<void>;

  constructor(
    readonly client: Client,
    readonly host: Host,
    maxChannels: number,
  ) {
    this.limiter = new ChannelLimiter(maxChannels);
    this.socketClosed = new Promise((resolve) => client.once('close', () => resolve()));
  }

  get closed(): boolean {
    return this.reason !== null;
  }

  get closeReason(): string | null {
    return this.reason;
  }

  /** Called once with the reason when the connection dies; returns an unsubscribe function. */
  onClose(listener: (reason: string) => void): () => void {
    if (this.reason !== null) {
      listener(this.reason);
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  markClosed(reason: string): void {
    if (this.reason !== null) return;
    this.reason = reason;
    this.limiter.close(reason);
    for (const listener of [...this.listeners]) listener(reason);
    this.listeners.clear();
  }

  /** Ends the connection and resolves once the socket is closed (destroyed after a short grace). */
  end(reason: string): Promise<void> {
    this.markClosed(reason);
    this.client.end();
    // A host that never answers our disconnect must not keep the socket (and the test run) alive.
    const force = setTimeout(() => this.client.destroy(), 2_000);
    force.unref();
    return this.socketClosed.finally(() => clearTimeout(force));
  }
}

export const openConnection = (host: Host, settings: ConnectionSettings): Promise<SshConnection> =>
  new Promise((resolve, reject) => {
    const client = new Client();
    const connection = new SshConnection(client, host, settings.maxChannels);
    let verdict: PolicyVerdict | null = null;
    let policyFailure: Error | null = null;
    let settled = false;

    // Prefer the refusal decided in the verifier over ssh2's generic handshake error.
    const failure = (fallback: () => ExecutionError): ExecutionError => {
      if (policyFailure) {
        return new ExecutionError('host-key-unknown', host.name, `cannot check the host key of ${target(host)} against known_hosts: ${policyFailure.message}`);
      }
      return (verdict && verdictError(host, verdict)) ?? fallback();
    };
    const fail = (error: ExecutionError) => {
      connection.markClosed(error.message);
      if (settled) return;
      settled = true;
      client.destroy();
      reject(error);
    };

    // Always verify: without a hostVerifier ssh2 accepts any key.
    const hostVerifier: HostVerifier = (key, verify) => {
      settings.policy.verify(host, key).then(
        (result) => {
          verdict = result;
          verify(result.status === 'trusted' || result.status === 'learned');
        },
        (error: Error) => {
          policyFailure = error;
          verify(false);
        },
      );
    };

    client.on('ready', () => {
      settled = true;
      settings.log?.debug({ host: host.name }, 'ssh connected');
      resolve(connection);
    });
    client.on('error', (error: Ssh2Error) => {
      if (!settled) return fail(failure(() => connectError(host, error, settings.connectTimeoutMs)));
      settings.log?.warn({ host: host.name, err: error.message, level: error.level }, 'ssh connection failed');
      connection.markClosed(`the connection failed: ${error.message}`);
    });
    const onGone = () => {
      if (!settled) {
        return fail(failure(() => new ExecutionError('unreachable', host.name, `${target(host)} closed the connection before the SSH session was ready`)));
      }
      connection.markClosed('the host closed the connection');
    };
    client.on('end', onGone);
    client.on('close', onGone);

    const preferred = settings.policy.preferredAlgorithms(host);
    const config: ConnectConfig = {
      host: host.address,
      port: host.port,
      username: host.user,
      // ssh2's options are absent when unset, never undefined (exactOptionalPropertyTypes).
      ...(settings.privateKey ? { privateKey: settings.privateKey } : {}),
      ...(settings.agent ? { agent: settings.agent } : {}),
      tryKeyboard: false,
      readyTimeout: settings.connectTimeoutMs,
      keepaliveInterval: settings.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      hostVerifier,
      ...(preferred ? { algorithms: { serverHostKey: preferred as ServerHostKeyAlgorithm[] } } : {}),
    };
    try {
      client.connect(config);
    } catch (error) {
      // ssh2 parses the private key synchronously in connect(); a bad key throws here.
      fail(keyError(host, error as Error));
    }
  });
