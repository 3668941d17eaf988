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

/** Opens the store without migrating it and reads its schema version: reachable, and current or not. */
export const storeCheck: ConnectCheck = {
  name: 'store',
  async run(config, { platform }) {
    const dir = platform.exclusiveDir(config.store.url);
    // Opening the embedded store would contend with a running service for it; it is a directory, not a server.
    if (dir) return [`embedded (PGlite) in ${dir}, nothing to reach`];
    const handle = await platform.openStore(config.store.url, { migrate: false });
    try {
      const { current, latest } = await handle.migrationStatus();
      return [`${handle.engine} answered; schema version ${current} of ${latest}${current < latest ? ' (`patchbot db migrate` or `patchbot start` applies the rest)' : ''}`];
    } finally {
      await handle.close();
    }
  },
};

export const chatCheck: ConnectCheck = {
  name: 'chat',
  run: (config, { platform, log }) => platform.checkChat(config, log),
};

export const CONNECT_CHECKS: ConnectCheck[] = [storeCheck, chatCheck, itsmCheck];

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
      const { message, hint } = error as Error & { hint?: string };
      lines.push(`${check.name}: FAILED: ${message}${hint ? ` ${hint}` : ''}`);
    }
  }
  return { ok, lines };
};
