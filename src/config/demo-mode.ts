import type { Config } from './schema.ts';
import { isLoopback } from './schema-common.ts';

/**
 * Demo mode (DESIGN §5): anyone who reaches the console acts as anyone, through the person picker
 * and `as=`. That is honest only for the embedded default: a loopback listener, no other chat
 * surface (where the team's real approvals happen), no sign-in and no server token (which exists
 * to let other machines in).
 */
export const isDemoMode = (config: Config): boolean =>
  isLoopback(config.server.host) && !config.chat.slack.enabled && !config.chat.teams.enabled && config.chat.console.oidc === undefined && config.server.token === undefined;
