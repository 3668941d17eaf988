import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from '../../src/shared/logger.ts';
import type { SlackHome } from './startup-checks.ts';

/**
 * Whether a request is for our own installation: the workspace our bot token belongs to, or
 * (Enterprise Grid) our organisation. Bolt reads these from each kind of body (an event's
 * authorization, a command's team_id, a click's team).
 */
export const isHome = (context: { teamId?: string | undefined; enterpriseId?: string | undefined }, home: SlackHome): boolean =>
  context.teamId === home.teamId || (home.enterpriseId !== undefined && context.enterpriseId === home.enterpriseId);

/**
 * Global middleware: a request for any other workspace goes no further. The signing secret (or
 * the Socket Mode token) proves Slack sent it for this app, not for which workspace: an app
 * distributed to, or installed org-wide in, another workspace gets that workspace's commands,
 * clicks and events signed the same way. Events were acknowledged by Bolt already; a command or
 * click is left unacknowledged, which Slack shows its sender as a failure.
 */
export const onlyHomeWorkspace =
  (home: SlackHome, log: Logger): Middleware<AnyMiddlewareArgs> =>
  async ({ context, next }) => {
    if (isHome(context, home)) return next();
    log.warn({ team: context.teamId, enterprise: context.enterpriseId }, 'slack request from another workspace refused');
  };
