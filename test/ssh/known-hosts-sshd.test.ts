import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSshExecutor, type SshExecutor } from '../../adapters/ssh/ssh-executor.ts';
import type { Host } from '../../src/inventory/host.ts';
import { ExecutionError } from '../../src/playbooks/executor.ts';
import { generateKey, type Sshd, sshdSkipReason, startSshd } from '../support/sshd.ts';

/** The known_hosts forms OpenSSH writes, checked by connecting to a real sshd (the parsing itself is unit-tested in adapters/ssh). */
const host = (overrides: Partial<Host> = {}): Host => ({
  name: 'web-1',
  address: '10.0.0.5',
  port: 22,
  user: 'root',
  os: 'debian',
  groups: [],
  tags: {},
  connection: 'ssh',
  ...overrides,
});

describe.skipIf(sshdSkipReason())('known_hosts forms against a real sshd', () => {
  let sshd: Sshd;
  let executor: SshExecutor | null = null;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterEach(async () => {
    await executor?.close();
    executor = null;
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  const sshdHost = (name = 'sshd-test'): Host => host({ name, address: sshd.host, port: sshd.port, user: sshd.user });
  const keyPart = () => sshd.hostPublicKey.split(' ').slice(0, 2).join(' ');
  const connectWith = async (knownHosts: string, name?: string) => {
    const knownHostsPath = join(sshd.dir, `known_hosts_${Math.random().toString(36).slice(2)}`);
    writeFileSync(knownHostsPath, knownHosts);
    executor = createSshExecutor({ privateKeyPath: sshd.clientKeyPath, knownHostsPath });
    const session = await executor.open(sshdHost(name));
    return session.run({ command: 'echo connected', timeoutMs: 20_000 });
  };

  it('matches the [host]:port form by address and by inventory name', async () => {
    expect((await connectWith(`[127.0.0.1]:${sshd.port} ${keyPart()}\n`)).stdout).toBe('connected\n');
    expect((await connectWith(`[sshd-test]:${sshd.port} ${keyPart()}\n`)).stdout).toBe('connected\n');
    const plain = await connectWith(`127.0.0.1 ${keyPart()}\n`).catch((e: unknown) => e);
    expect((plain as ExecutionError).kind).toBe('host-key-unknown');
  });

  it('matches entries hashed by ssh-keygen -H', async () => {
    const path = join(sshd.dir, 'known_hosts_to_hash');
    writeFileSync(path, `[127.0.0.1]:${sshd.port} ${keyPart()}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', path], { stdio: 'pipe' });
    const hashedText = readFileSync(path, 'utf8');
    expect(hashedText).toMatch(/^\|1\|/);
    expect(hashedText).not.toContain('127.0.0.1');
    expect((await connectWith(hashedText)).stdout).toBe('connected\n');
  });

  it('refuses a key marked @revoked, even when also listed', async () => {
    const error = await connectWith(`[127.0.0.1]:${sshd.port} ${keyPart()}\n@revoked * ${keyPart()}\n`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExecutionError);
    expect((error as ExecutionError).kind).toBe('host-key-mismatch');
    expect((error as ExecutionError).message).toContain('@revoked');
  });

  it('refuses a different key recorded under the inventory name', async () => {
    const other = generateKey(join(sshd.dir, 'other-host-key'));
    const error = await connectWith(`[sshd-test]:${sshd.port} ${other.publicKey}\n[127.0.0.1]:${sshd.port} ${keyPart()}\n`).catch((e: unknown) => e);
    expect((error as ExecutionError).kind).toBe('host-key-mismatch');
  });
});
