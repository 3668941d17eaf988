/**
 * `chat`: which surfaces are on and how to reach them. Fields are optional in the shape because a
 * disabled surface may carry half its settings (a token left in the environment); the rules below
 * demand them only when the surface is enabled, and the output type says so.
 */
import { z } from 'zod';
import { Duration, evenWithIssues, HttpUrl, Secret, textOf } from './schema-common.ts';

const Channels = z.strictObject({
  /** Digests, proposals and change threads. */
  announce: z.string().min(1).optional(),
  /** Approval cards; defaults to `announce`, one channel is enough for a small team. */
  approvals: z.string().min(1).optional(),
});

type ResolvedChannels = { announce: string; approvals: string };

export type SlackConfig = { enabled: false } | { enabled: true; botToken: string; signingSecret?: string; appToken?: string; apiUrl?: string; channels: ResolvedChannels };

export type TeamsConfig =
  | { enabled: false }
  | {
      enabled: true;
      appId: string;
      appPassword?: string;
      /** The one Entra ID tenant whose activities patchbot accepts (every app type). */
      tenantId: string;
      appType: 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';
      serviceUrl?: string;
      auth: TeamsAuth;
      channels: ResolvedChannels;
    };

/**
 * The Bot Framework endpoints, each one botbuilder setting (docs/teams.md). All are always set: a
 * partial set puts botbuilder into a custom-cloud mode where the missing ones are undefined.
 */
export interface TeamsAuth {
  openIdMetadataUrl: string;
  tokenIssuer: string;
  loginUrl: string;
  oauthScope: string;
  validateAuthority: boolean;
}

const TeamsAuthSection = z.strictObject({
  /** ToBotFromChannelOpenIdMetadataUrl (and the emulator's, so nothing reaches out to that one). */
  openIdMetadataUrl: HttpUrl.optional(),
  /** ToBotFromChannelTokenIssuer: the `iss` of the channel's tokens. */
  tokenIssuer: z.string().min(1).optional(),
  /** ToChannelFromBotLoginUrl: the login authority, tenant included. */
  loginUrl: z.url({ protocol: /^https$/, error: 'use an https URL: MSAL refuses any other authority' }).optional(),
  /** ToChannelFromBotOAuthScope: the scope of the Connector's tokens. */
  oauthScope: z.string().min(1).optional(),
  /** ValidateAuthority; false trusts loginUrl's host with no instance discovery (a private cloud, a test fake). */
  validateAuthority: z.boolean().default(true),
});

/** The Microsoft public cloud, for every key left out. */
const teamsAuthDefaults = (auth: z.infer<typeof TeamsAuthSection>, appType: string, tenantId: string | undefined): TeamsAuth => ({
  openIdMetadataUrl: auth.openIdMetadataUrl ?? 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  tokenIssuer: auth.tokenIssuer ?? 'https://api.botframework.com',
  loginUrl: auth.loginUrl ?? `https://login.microsoftonline.com/${appType === 'MultiTenant' || !tenantId ? 'botframework.com' : tenantId}`,
  oauthScope: auth.oauthScope ?? 'https://api.botframework.com',
  validateAuthority: auth.validateAuthority,
});

type Ctx = z.RefinementCtx;
const need = (ctx: Ctx, value: unknown, path: string[], message: string) => {
  if (value === undefined) ctx.addIssue({ code: 'custom', path, message });
};
const startsWith = (ctx: Ctx, value: unknown, path: string[], start: string, what: string) => {
  const text = textOf(value);
  if (text !== undefined && !text.startsWith(start)) {
    ctx.addIssue({ code: 'custom', path, message: `must be ${what} starting with ${start} (this one starts with ${text.slice(0, 5)}…)` });
  }
};
const needAnnounce = (ctx: Ctx, channels: unknown, surface: string) =>
  need(
    ctx,
    (channels as { announce?: unknown } | undefined)?.announce,
    ['channels', 'announce'],
    `required when chat.${surface}.enabled is true; give the channel where patchbot posts digests and changes`,
  );

const withChannels = <T extends { channels: z.infer<typeof Channels> }>(section: T) => ({
  ...section,
  channels: { ...section.channels, approvals: section.channels.approvals ?? section.channels.announce },
});

const SlackSection = z
  .strictObject({
    enabled: z.boolean().default(false),
    botToken: Secret.optional(),
    signingSecret: Secret.optional(),
    /** Socket Mode (no public endpoint) when set; then no signing secret is needed. */
    appToken: Secret.optional(),
    /** Web API base URL (default https://slack.com/api/); tests point it at the loopback fake. */
    apiUrl: HttpUrl.optional(),
    channels: Channels.prefault({}),
  })
  .superRefine((slack, ctx) => {
    startsWith(ctx, slack.botToken, ['botToken'], 'xoxb-', 'a bot token (Slack app › OAuth & Permissions › Bot User OAuth Token)');
    startsWith(ctx, slack.appToken, ['appToken'], 'xapp-', 'an app-level token (Slack app › Basic Information › App-Level Tokens)');
    if (slack.enabled !== true) return;
    need(ctx, slack.botToken, ['botToken'], 'required when chat.slack.enabled is true; set SLACK_BOT_TOKEN or chat.slack.botToken (xoxb-…)');
    if (slack.appToken === undefined) {
      need(
        ctx,
        slack.signingSecret,
        ['signingSecret'],
        'required when chat.slack.enabled is true; set SLACK_SIGNING_SECRET (Slack app › Basic Information › Signing Secret), or set appToken for Socket Mode',
      );
    }
    needAnnounce(ctx, slack.channels, 'slack');
  }, evenWithIssues)
  .transform((slack) => (slack.enabled ? withChannels(slack) : slack) as SlackConfig);

const TeamsSection = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** The Azure Bot's Microsoft App ID (for UserAssignedMSI: the managed identity's client id). */
    appId: z.string().min(1).optional(),
    appPassword: Secret.optional(),
    /**
     * The home Entra ID tenant: activities from any other tenant are refused (botbuilder checks
     * the token, not the tenant), so it is required for MultiTenant bots too.
     */
    tenantId: z.string().min(1).optional(),
    /** Microsoft no longer creates multi-tenant bots, hence SingleTenant by default. */
    appType: z.enum(['SingleTenant', 'MultiTenant', 'UserAssignedMSI']).default('SingleTenant'),
    /** Bot Connector base URL for proactive posts before any inbound activity taught it; tests use the fake. */
    serviceUrl: HttpUrl.optional(),
    auth: TeamsAuthSection.prefault({}),
    channels: Channels.prefault({}),
  })
  .superRefine((teams, ctx) => {
    if (teams.enabled !== true) return;
    const appType = textOf(teams.appType) ?? 'SingleTenant';
    need(ctx, teams.appId, ['appId'], "required when chat.teams.enabled is true; set TEAMS_APP_ID to the Azure Bot's Microsoft App ID");
    if (appType !== 'UserAssignedMSI') {
      need(ctx, teams.appPassword, ['appPassword'], `required when chat.teams.enabled is true and appType is ${appType}; set TEAMS_APP_PASSWORD to the app's client secret`);
    }
    need(
      ctx,
      teams.tenantId,
      ['tenantId'],
      `required when chat.teams.enabled is true (any appType, ${appType} included): patchbot accepts activities only from this Entra ID tenant; give its tenant id (Entra ID › Overview › Tenant ID)`,
    );
    needAnnounce(ctx, teams.channels, 'teams');
  }, evenWithIssues)
  .transform((teams) => (teams.enabled ? { ...withChannels(teams), auth: teamsAuthDefaults(teams.auth, teams.appType, teams.tenantId) } : teams) as TeamsConfig);

/** Sign-in with OpenID Connect: the ID token's email (or `claim`) names a person in `people[]`. */
export const ConsoleOidc = z.strictObject({
  issuer: HttpUrl,
  clientId: z.string().min(1),
  clientSecret: Secret.optional(),
  /** This console's callback as the IdP knows it, e.g. https://patchbot.example.com/auth/callback. */
  redirectUrl: HttpUrl,
  /** The ID token claim matched against people[].email; any other claim is matched against people[].name. */
  claim: z.string().min(1).default('email'),
  /**
   * Accept an email the IdP sends without `email_verified` (Entra ID never sends it). Only for an
   * IdP whose every address your organisation manages: elsewhere a user may type any address.
   */
  trustUnverifiedEmail: z.boolean().default(false),
  /** MACs the session cookie; replicas behind one load balancer need the same one. Random per process when unset. */
  sessionSecret: Secret.min(32, 'is too short; use at least 32 characters, e.g. from `openssl rand -hex 32`').optional(),
});
export type ConsoleOidc = z.infer<typeof ConsoleOidc>;

export const ChatConfig = z.strictObject({
  /** The local web console: a real chat surface, on by default so a fresh checkout shows the loop. */
  console: z
    .strictObject({
      enabled: z.boolean().default(true),
      oidc: ConsoleOidc.optional(),
      /**
       * How soon an open tab or event stream stops once its sign-in ended, its access token was
       * revoked or its person left people[]: each stream checks this often (one key lookup each).
       */
      accessRecheck: Duration.prefault('1m'),
    })
    .prefault({}),
  /** `patchbot change approve … --as bob` outside demo mode: refused unless allowed here. */
  cli: z.strictObject({ allowVotesAs: z.boolean().default(false) }).prefault({}),
  slack: SlackSection.prefault({}),
  teams: TeamsSection.prefault({}),
});
export type ChatConfig = z.infer<typeof ChatConfig>;
