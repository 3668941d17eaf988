import { inReach } from './apt-files.ts';
import { readState } from './host-state.ts';
import { compareVersions } from './debian-version.ts';
import type { Tool } from './tool-context.ts';

/**
 * `apt-cache policy name…` as apt prints it, for what the playbooks read: the Installed and
 * Candidate lines. The candidate is the newest version in reach; an unknown package prints
 * nothing, like apt (which only warns on stderr).
 */
export const aptCache: Tool = (ctx, argv) => {
  const [operation, ...names] = argv.filter((a) => !a.startsWith('-'));
  if (operation !== 'policy') {
    ctx.err(`E: the fleet simulator implements apt-cache policy only, not ${operation ?? '(nothing)'}`);
    return 100;
  }
  const state = readState(ctx.hostDir);
  for (const name of names) {
    const key = [name, `${name}:amd64`].find((k) => k in state.installed || k in state.candidates) ?? Object.keys(state.installed).find((k) => k.split(':')[0] === name);
    if (!key) {
      ctx.err(`N: Unable to locate package ${name}`);
      continue;
    }
    const versions = inReach(state, key).sort(compareVersions).reverse();
    const installed = state.installed[key];
    // The archive's version wins when newer; otherwise the installed one is the candidate (apt's cache is no source).
    const offered = [state.candidates[key]?.version, installed]
      .filter((v): v is string => v !== undefined)
      .sort(compareVersions)
      .reverse();
    ctx.out(`${name}:`, `  Installed: ${installed ?? '(none)'}`, `  Candidate: ${offered[0] ?? '(none)'}`, '  Version table:');
    for (const v of versions) ctx.out(` ${v === installed ? '***' : '   '} ${v} 500`);
  }
  return 0;
};
