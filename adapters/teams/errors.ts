import { PatchbotError } from '../../src/shared/errors.ts';

/** The Bot Connector refused a call, or never answered it (status 0). */
export class ConnectorError extends PatchbotError {
  readonly status: number;
  readonly operation: string;
  constructor(operation: string, status: number, detail: string) {
    super(
      status === 0 ? 'teams-unreachable' : `teams-http-${status}`,
      status === 0 ? `The Bot Connector did not answer ${operation}: ${detail}.` : `The Bot Connector refused ${operation} with HTTP ${status}: ${detail}.`,
      HINTS[status] ?? (status === 0 ? 'Check chat.teams.serviceUrl and the proxy settings (docs/teams.md).' : undefined),
    );
    this.status = status;
    this.operation = operation;
  }
}

const HINTS: Record<number, string> = {
  401: 'The Connector did not accept the bot token: check TEAMS_APP_ID, TEAMS_APP_PASSWORD and chat.teams.tenantId against the Azure Bot.',
  403: 'The bot is not installed where it posts: install the app in that team or chat (docs/teams.md).',
  404: 'No such conversation: use the channel id (19:…@thread.tacv2) from "Get link to channel".',
};

/** The login authority refused the bot's credentials (client credentials grant). */
export class TeamsCredentialsError extends PatchbotError {
  constructor(detail: string) {
    super(
      'teams-credentials',
      `Microsoft Entra ID refused chat.teams.appId / appPassword: ${detail}.`,
      "Set TEAMS_APP_ID and TEAMS_APP_PASSWORD to the Azure Bot's Microsoft App ID and a current client secret (docs/teams.md).",
    );
  }
}
