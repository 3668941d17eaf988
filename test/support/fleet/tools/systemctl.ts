import { failedUnits, readState } from './host-state.ts';
import { reboot } from './reboot.ts';
import type { Tool } from './tool-context.ts';

/**
 * systemctl for what the smoke checks ask: is-system-running (running, or degraded while a unit
 * has failed), list-units --failed, is-active / is-failed of a unit, and reboot. The failed units
 * follow the packages: a unit a package version breaks fails while that version is installed.
 */

const OPTIONS = new Set(['--wait', '--plain', '--no-legend', '--no-pager', '--failed', '--state=failed', '--quiet', '-q', '--full', '-l']);

const unitLine = (unit: string, plain: boolean) => `${plain ? '' : '● '}${unit} loaded failed failed ${unit.replace(/\.[a-z]+$/, '')}`;

export const systemctl: Tool = (ctx, argv) => {
  const unknown = argv.filter((a) => a.startsWith('-') && !OPTIONS.has(a));
  const [verb, ...units] = argv.filter((a) => !a.startsWith('-'));
  const has = (option: string) => argv.includes(option);
  const quiet = has('--quiet') || has('-q');
  const failed = failedUnits(readState(ctx.hostDir));
  if (unknown.length === 0) {
    switch (verb) {
      case 'is-system-running': {
        if (!quiet) ctx.out(failed.length ? 'degraded' : 'running');
        return failed.length ? 1 : 0;
      }
      case 'list-units': {
        if (!(has('--failed') || has('--state=failed')) || units.length) break;
        const plain = has('--plain');
        const lines = failed.map((u) => unitLine(u, plain));
        if (has('--no-legend')) ctx.out(...lines);
        else ctx.out('  UNIT LOAD ACTIVE SUB DESCRIPTION', ...lines, '', `${failed.length} loaded units listed.`);
        return 0;
      }
      case 'is-active':
      case 'is-failed': {
        if (units.length === 0) break;
        const states = units.map((u) => (failed.includes(u) ? 'failed' : 'active'));
        if (!quiet) ctx.out(...states);
        const ok = verb === 'is-active' ? states.every((s) => s === 'active') : states.some((s) => s === 'failed');
        return ok ? 0 : verb === 'is-active' ? 3 : 1;
      }
      case 'reboot':
        if (units.length === 0) return reboot(ctx, []);
    }
  }
  ctx.err(`systemctl ${argv.join(' ')}: not simulated by the fleet (it implements is-system-running, list-units --failed, is-active, is-failed, reboot)`);
  return 1;
};
