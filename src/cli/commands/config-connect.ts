import type { Config } from '../../config/schema.ts';
import type { Platform } from '../../platform.ts';
import type { Logger } from '../../shared/logger.ts';

/**
 * `config check --connect`: each check reaches one outside system with the configured credentials
 * and says what it found. Add one entry per system (store, chat surfaces…); a check answers lines
 * to print, or throws with what is wrong.
 */
export interface ConnectCheck {
  name: string;
  run(config: Config, deps: { platform: Platform; log: Logger }): Promise<string[]>;
}

const SYSTEM_NAMES = { servicenow: 'ServiceNow', jira: 'Jira', none: 'none' } as const;

export const itsmCheck: ConnectCheck = {
  name: 'itsm',
  async run(config, { platform, log }) {
    if (config.itsm.kind === 'none') return ['nothing to reach (itsm.kind is none)'];
    const { ticketing } = await platform.ticketing(config, log);
    const facts = ticketing.prepare ? await ticketing.prepare() : { lines: [] };
    return [`${SYSTEM_NAMES[config.itsm.kind]} answered`, ...facts.lines];
  },
};

export const CONNECT_CHECKS: ConnectCheck[] = [itsmCheck];

export interface ConnectReport {
  ok: boolean;
  lines: string[];
}

/** Runs every check; one failing does not hide the others. */
export const runConnectChecks = async (config: Config, deps: { platform: Platform; log: Logger }, checks = CONNECT_CHECKS): Promise<ConnectReport> => {
  const lines: string[] = [];
  let ok = true;
  for (const check of checks) {
    try {
      lines.push(...(await check.run(config, deps)).map((line) => `${check.name}: ${line}`));
    } catch (error) {
      ok = false;
      lines.push(`${check.name}: FAILED: ${(error as Error).message}`);
    }
  }
  return { ok, lines };
};
