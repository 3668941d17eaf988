import { isLoopback, recordOf, textOf } from './schema-common.ts';

/** What demo mode depends on: a parsed Config has it, and demoModeRules reads it from a raw one. */
type DemoFacts = {
  server: { host: string; token?: unknown };
  chat: { slack: { enabled: boolean }; teams: { enabled: boolean }; console: { oidc?: unknown } };
};

/**
 * Demo mode (DESIGN §5): anyone who reaches the console acts as anyone, through the person picker
 * and `as=`. That is honest only for the embedded default: a loopback listener, no other chat
 * surface (where the team's real approvals happen), no sign-in and no server token (which exists
 * to let other machines in).
 */
export const isDemoMode = (config: DemoFacts): boolean =>
  isLoopback(config.server.host) && !config.chat.slack.enabled && !config.chat.teams.enabled && config.chat.console.oidc === undefined && config.server.token === undefined;

/**
 * Demo mode with real execution is refused, not warned about: "anyone" includes every other local
 * user and process on this machine (loopback is not a person), and each of them could approve, as
 * any person, a change that runs on the inventory's hosts. Reads the raw, possibly half-invalid
 * config (schema-rules.ts), with the schema's defaults where a value is missing.
 */
export const demoModeRules = (value: unknown, report: (path: (string | number)[], message: string) => void) => {
  const config = recordOf(value);
  const server = recordOf(config.server);
  const chat = recordOf(config.chat);
  const web = recordOf(chat.console);
  // A host that is not text is reported by its own schema; nothing can be said about it here.
  const host = server.host === undefined ? '127.0.0.1' : textOf(server.host);
  if (recordOf(config.execution).dryRun !== false || web.enabled === false || host === undefined) return;
  const facts: DemoFacts = {
    server: { host, token: server.token },
    chat: { slack: { enabled: recordOf(chat.slack).enabled === true }, teams: { enabled: recordOf(chat.teams).enabled === true }, console: { oidc: web.oidc } },
  };
  if (!isDemoMode(facts)) return;
  report(
    ['execution', 'dryRun'],
    'false is refused in demo mode (a loopback server with no sign-in, no server.token, no Slack or Teams): anyone on this machine who opens the console ' +
      '(any local user, any local process) acts as any person, approves and runs real changes on your hosts. ' +
      'Set up sign-in (chat.console.oidc), or set server.token and give each person a personal access token (`patchbot token create --as NAME`), ' +
      'or turn the console off (chat.console.enabled: false) and work from the CLI, or keep dryRun: true',
  );
};
