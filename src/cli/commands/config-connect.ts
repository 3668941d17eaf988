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

/** One check per enabled chat surface ("chat: slack: …"), so a refused Slack token does not hide Teams. */
export const chatChecks = (config: Config, { platform, log }: { platform: Platform; log: Logger }): ConnectCheck[] => {
  const surfaces = platform.chatChecks(config, log);
  if (surfaces.length === 0) return [{ name: 'chat', run: async () => ['no chat surface enabled'] }];
  return surfaces.map((surface) => ({ name: `chat: ${surface.surface}`, run: () => surface.run() }));
};

export const connectChecks = (config: Config, deps: { platform: Platform; log: Logger }): ConnectCheck[] => [storeCheck, ...chatChecks(config, deps), itsmCheck];

export interface ConnectReport {
  ok: boolean;
  lines: string[];
}

/** Runs every check; one failing does not hide the others. */
export const runConnectChecks = async (config: Config, deps: { platform: Platform; log: Logger }, checks = connectChecks(config, deps)): Promise<ConnectReport> => {
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
