/**
 * Environment variables → config layers (applied after every file; empty values count as unset).
 *
 *   PATCHBOT_CONFIG            colon-separated config files, used when --config is absent
 *   PATCHBOT_SERVER_HOST       server.host
 *   PATCHBOT_SERVER_PORT       server.port
 *   PATCHBOT_SERVER_TOKEN      server.token
 *   DATABASE_URL               store.url (the common platform convention)
 *   PATCHBOT_STORE_URL         store.url (wins over DATABASE_URL)
 *   PATCHBOT_LOG_LEVEL         log.level
 *   SLACK_BOT_TOKEN            chat.slack.botToken
 *   SLACK_SIGNING_SECRET       chat.slack.signingSecret
 *   SLACK_APP_TOKEN            chat.slack.appToken
 *   TEAMS_APP_ID               chat.teams.appId
 *   TEAMS_APP_PASSWORD         chat.teams.appPassword
 *   SERVICENOW_PASSWORD        itsm.servicenow.password
 *   SERVICENOW_CLIENT_SECRET   itsm.servicenow.oauth.clientSecret
 *   JIRA_API_TOKEN             itsm.jira.apiToken
 *   JIRA_PAT                   itsm.jira.personalAccessToken
 *   PATCHBOT__a__b__c=value    any key: `__` separates keys, the value is read as a YAML scalar
 *                              or flow collection (8081 → number, true → boolean, null → null,
 *                              '{cluster: 1}' → mapping; quote it to force text). Applied last,
 *                              in name order. Lists cannot be indexed into; give the whole list.
 *
 * Named variables take text as is (a token that looks like a number stays text), except
 * PATCHBOT_SERVER_PORT, which is read as YAML like the generic form.
 */
import { parse } from 'yaml';
import type { Tree } from './merge.ts';
import { treeAt } from './merge.ts';

interface Mapping {
  path: readonly string[];
  yaml?: boolean;
}

/** In application order: DATABASE_URL before PATCHBOT_STORE_URL so the specific one wins. */
export const ENV_SETTINGS: Readonly<Record<string, Mapping>> = {
  PATCHBOT_SERVER_HOST: { path: ['server', 'host'] },
  PATCHBOT_SERVER_PORT: { path: ['server', 'port'], yaml: true },
  PATCHBOT_SERVER_TOKEN: { path: ['server', 'token'] },
  DATABASE_URL: { path: ['store', 'url'] },
  PATCHBOT_STORE_URL: { path: ['store', 'url'] },
  PATCHBOT_LOG_LEVEL: { path: ['log', 'level'] },
  SLACK_BOT_TOKEN: { path: ['chat', 'slack', 'botToken'] },
  SLACK_SIGNING_SECRET: { path: ['chat', 'slack', 'signingSecret'] },
  SLACK_APP_TOKEN: { path: ['chat', 'slack', 'appToken'] },
  TEAMS_APP_ID: { path: ['chat', 'teams', 'appId'] },
  TEAMS_APP_PASSWORD: { path: ['chat', 'teams', 'appPassword'] },
  SERVICENOW_PASSWORD: { path: ['itsm', 'servicenow', 'password'] },
  SERVICENOW_CLIENT_SECRET: { path: ['itsm', 'servicenow', 'oauth', 'clientSecret'] },
  JIRA_API_TOKEN: { path: ['itsm', 'jira', 'apiToken'] },
  JIRA_PAT: { path: ['itsm', 'jira', 'personalAccessToken'] },
};

export const GENERIC_PREFIX = 'PATCHBOT__';

/** The files named by PATCHBOT_CONFIG (colon-separated, empty entries skipped). */
export const configFilesFromEnv = (env: Record<string, string | undefined>): string[] => (env.PATCHBOT_CONFIG ?? '').split(':').filter((file) => file.trim() !== '');

const yamlValue = (text: string): unknown => {
  try {
    return parse(text);
  } catch {
    return text; // not YAML: then it is plain text
  }
};

export interface EnvLayer {
  /** The variable's name: problems with its value name it. */
  label: string;
  data: Tree;
}

export const envLayers = (env: Record<string, string | undefined>): { layers: EnvLayer[]; problems: string[] } => {
  const layers: EnvLayer[] = [];
  const problems: string[] = [];
  for (const [name, mapping] of Object.entries(ENV_SETTINGS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    layers.push({ label: name, data: treeAt(mapping.path, mapping.yaml ? yamlValue(value) : value) });
  }
  const generic = Object.keys(env)
    .filter((name) => name.startsWith(GENERIC_PREFIX) && env[name] !== undefined && env[name] !== '')
    .sort();
  for (const name of generic) {
    const path = name.slice(GENERIC_PREFIX.length).split('__');
    if (path.some((key) => key === '')) {
      problems.push(`${name}: empty key in the name; write PATCHBOT__section__key (two underscores between keys), e.g. PATCHBOT__server__port`);
      continue;
    }
    layers.push({ label: name, data: treeAt(path, yamlValue(env[name] as string)) });
  }
  return { layers, problems };
};
