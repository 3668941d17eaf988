import { readdirSync } from 'node:fs';
import { compareVersions } from './debian-version.ts';
import { HOST_PATHS, hostPaths, readState } from './host-state.ts';
import type { Tool, ToolContext } from './tool-context.ts';

/**
 * uname, hostname and needrestart: what the reboot check compares (the running kernel against
 * the newest /boot/vmlinuz-*) must be the simulated host's, not this machine's.
 */

const newestKernel = (ctx: ToolContext): string | undefined =>
  readdirSync(hostPaths(ctx.hostDir).file(HOST_PATHS.boot))
    .filter((f) => f.startsWith('vmlinuz-'))
    .map((f) => f.slice('vmlinuz-'.length))
    .sort(compareVersions)
    .at(-1);

export const uname: Tool = (ctx, args) => {
  const kernel = readState(ctx.hostDir).kernel;
  const fields: Record<string, string> = { '-s': 'Linux', '-n': ctx.hostName, '-r': kernel, '-v': `#1 SMP PREEMPT_DYNAMIC Debian ${kernel}`, '-m': 'x86_64', '-o': 'GNU/Linux' };
  if (args.length === 0) args = ['-s'];
  if (args.length === 1 && (args[0] === '-a' || args[0] === '--all')) args = ['-s', '-n', '-r', '-v', '-m', '-o'];
  const unknown = args.filter((a) => !(a in fields));
  if (unknown.length) {
    ctx.err(`uname ${unknown.join(' ')}: not simulated by the fleet (it implements -s -n -r -v -m -o -a)`);
    return 1;
  }
  ctx.out(args.map((a) => fields[a]).join(' '));
  return 0;
};

export const hostname: Tool = (ctx, args) => {
  if (args.length) {
    ctx.err('hostname: the fleet simulator only prints the host name');
    return 1;
  }
  ctx.out(ctx.hostName);
  return 0;
};

/** needrestart -b (batch mode), on hosts created with `needrestart: true`: the kernel status line is what patchbot reads. */
export const needrestart: Tool = (ctx, args) => {
  if (args.length !== 1 || args[0] !== '-b') {
    ctx.err(`needrestart ${args.join(' ')}: not simulated by the fleet (it implements -b)`);
    return 1;
  }
  const current = readState(ctx.hostDir).kernel;
  const expected = newestKernel(ctx) ?? current;
  // KSTA 1: the running kernel is the newest installed; 3: a newer version waits for a reboot.
  ctx.out('NEEDRESTART-VER: 3.6', `NEEDRESTART-KCUR: ${current}`, `NEEDRESTART-KEXP: ${expected}`, `NEEDRESTART-KSTA: ${expected === current ? 1 : 3}`);
  return 0;
};
