import { type Activity as BfActivity, CloudAdapter, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { AuthenticateRequestResult, BotFrameworkAuthentication } from 'botframework-connector';
import { type HttpHandler, sendJson } from '../../src/server/router.ts';
import type { Logger } from '../../src/shared/logger.ts';
import { correlationId } from '../../src/server/http-server.ts';
import { errorBody, type InvokeBody } from './invoke-response.ts';
import { Activity } from './schema.ts';

/** CloudAdapter with its pre-authenticated entry point opened up: we authenticate ourselves. */
class PatchbotAdapter extends CloudAdapter {
  run(auth: AuthenticateRequestResult, activity: BfActivity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    return this.processActivity(auth, activity, logic);
  }
}

export interface MessagesEndpointOptions {
  botAuth: BotFrameworkAuthentication;
  /** The turn's work; for an invoke, the response body (never throws for a click: see turn.ts). */
  turn: (context: TurnContext, activity: Activity) => Promise<InvokeBody | null>;
  /** The home Entra ID tenant: an activity from any other is refused before anything else happens. */
  tenantId: string;
  /** Called with each authenticated activity of the home tenant before its turn (the Connector address). */
  learn: (activity: Activity) => void;
  log: Logger;
}

/**
 * The tenants an activity names (`conversation.tenantId`, `channelData.tenant.id`). Either may be
 * missing depending on the activity, so both are read; a disagreement counts as both.
 */
const tenantsOf = (activity: Activity): string[] => [activity.conversation.tenantId, activity.channelData?.tenant?.id].filter((id): id is string => id !== undefined);

/** Only the home tenant: an activity naming no tenant, or any other one, is not ours. */
export const fromTenant = (activity: Activity, tenantId: string): boolean => {
  const named = tenantsOf(activity);
  return named.length > 0 && named.every((id) => id.toLowerCase() === tenantId.toLowerCase());
};

/**
 * `POST /api/messages`, authenticated by the Bot Framework JWT, then held to the home tenant. We call
 * botbuilder's authentication ourselves rather than `CloudAdapter.process`, because its JWT
 * library's own errors (`alg: none`, a wrong key under a known kid) would leave as 500s there:
 * here every failure is a 401 before anything runs. The authenticated activity then goes through
 * the CloudAdapter as usual, and an invoke always gets an invoke response (never a bare 501).
 * A valid token says the Bot Framework sent the activity, not from which organisation: any Entra
 * ID tenant that installs an app with our bot id gets tokens too (botbuilder checks no tenant),
 * and its admins choose what its users' roster emails say. So an activity of another tenant is a
 * 403 before anything is learned from it or done for it.
 */
export const messagesEndpoint = ({ botAuth, tenantId, turn, learn, log }: MessagesEndpointOptions): HttpHandler => {
  const adapter = new PatchbotAdapter(botAuth);
  adapter.onTurnError = async (_context, error) => {
    log.error({ err: error }, 'teams turn failed');
  };

  return async ({ req, res, readBody }) => {
    const header = req.headers.authorization;
    const refuse = (reason: string, error?: unknown) => {
      log.warn({ reason, err: error }, 'teams request refused');
      sendJson(res, 401, { error: 'Unauthorized: the request carries no valid Bot Framework token' });
    };
    if (!header?.trim()) return refuse('no Authorization header');
    let activity: Activity;
    try {
      activity = Activity.parse(JSON.parse((await readBody()).toString('utf8')));
    } catch {
      return sendJson(res, 400, { error: 'the body is not a Bot Framework activity' });
    }
    // Only Teams: a key endorsed for another channel must not let that channel's tokens in.
    if (activity.channelId !== 'msteams') return refuse(`channel ${activity.channelId}`);
    let auth: AuthenticateRequestResult;
    try {
      auth = await botAuth.authenticateRequest(activity as unknown as BfActivity, header);
    } catch (error) {
      return refuse('token rejected', (error as Error).message);
    }
    if (!fromTenant(activity, tenantId)) {
      log.warn({ reason: 'foreign tenant', tenants: tenantsOf(activity), type: activity.type }, 'teams request refused');
      return sendJson(res, 403, { error: 'Forbidden: this bot serves one Microsoft Entra ID tenant, and this activity comes from another' });
    }
    learn(activity);

    let body: InvokeBody | null = null;
    try {
      await adapter.run(auth, activity as unknown as BfActivity, async (context) => {
        body = await turn(context, activity);
      });
    } catch (error) {
      const id = correlationId();
      log.error({ err: error, correlationId: id, type: activity.type }, 'teams activity failed');
      if (activity.type === 'invoke') body = errorBody(500, 'InternalError', `patchbot could not handle this (correlation id ${id})`);
      else return sendJson(res, 500, { error: 'internal error', correlationId: id });
    }
    if (activity.type === 'invoke') return sendJson(res, 200, body ?? errorBody(500, 'InternalError', 'no answer'));
    res.writeHead(200).end();
  };
};
