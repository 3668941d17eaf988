/**
 * `patchbot config check`: load and validate, and on success summarise the settings that decide
 * how the service behaves, one line each, so a reader sees at a glance what would start.
 */
import { ConfigError } from '../shared/errors.ts';
import { scrubSecrets } from '../shared/scrub-secrets.ts';
import { type LoadConfigOptions, loadConfig } from './load.ts';
import type { Config } from './schema.ts';
import { redactUrl } from './secrets.ts';

export type CheckResult = { ok: true; summary: string[]; warnings: string[] } | { ok: false; problems: string[] };

const storeLine = (url: string): string => {
  if (url === 'pglite://memory' || url === 'pglite://:memory:') return 'store: PGlite in memory (data is lost at exit)';
  if (url.startsWith('pglite://')) return `store: PGlite (embedded) in ${url.slice('pglite://'.length)}`;
  return `store: PostgreSQL at ${redactUrl(url)}`;
};

const itsmLine = (config: Config): string => {
  const itsm = config.itsm;
  if (itsm.kind === 'servicenow') return `itsm: ServiceNow at ${itsm.servicenow.instanceUrl}`;
  if (itsm.kind === 'jira') return `itsm: Jira ${itsm.jira.deployment} at ${itsm.jira.baseUrl}, project ${itsm.jira.projectKey}`;
  return "itsm: none (patchbot's own change records are the tickets)";
};

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

export const summarizeConfig = (config: Config, sources: string[]): string[] => {
  const surfaces = [config.chat.console.enabled ? 'console' : undefined, config.chat.slack.enabled ? 'slack' : undefined, config.chat.teams.enabled ? 'teams' : undefined].filter(
    (surface) => surface !== undefined,
  );
  const { server, execution, schedules } = config;
  return [
    `sources: ${sources.join(', ')}`,
    `server: http://${server.host}:${server.port} (token ${server.token ? 'set' : 'not set'})`,
    storeLine(config.store.url),
    `chat: ${surfaces.length ? surfaces.join(', ') : 'no surface enabled'}`,
    itsmLine(config),
    `inventory: ${count(config.inventory.hosts.length, 'host')}, ${count(config.inventory.groups.length, 'group')}${config.inventory.file ? ` (with ${config.inventory.file})` : ''}`,
    `people: ${count(config.people.length, 'person').replace('persons', 'people')}`,
    `windows: ${Object.keys(config.windows).join(', ') || 'none'} (plus now); ${count(config.blackouts.length, 'blackout')}`,
    `schedules: discovery ${schedules.discovery ? `"${schedules.discovery}" (UTC)` : 'off'}; ${count(schedules.proposals.length, 'recurring proposal')}`,
    `execution: ${execution.dryRun ? 'dry run (nothing runs on hosts)' : 'live'}, concurrency ${execution.concurrency}, host keys ${execution.ssh.strictHostKeys ? 'strict' : 'trust on first use'}`,
    `playbooks: ${config.playbooks.dir}`,
    `log: ${config.log.level}, ${config.log.format}`,
  ];
};

export const checkConfig = async (options: LoadConfigOptions): Promise<CheckResult> => {
  try {
    const { config, sources, warnings } = await loadConfig(options);
    // URLs in the summary (ITSM instance, Jira base URL) may carry user:password@.
    return { ok: true, summary: summarizeConfig(config, sources).map(scrubSecrets), warnings: warnings.map(scrubSecrets) };
  } catch (error) {
    if (error instanceof ConfigError) return { ok: false, problems: error.problems.map(scrubSecrets) };
    throw error;
  }
};
