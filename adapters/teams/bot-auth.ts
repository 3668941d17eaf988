import { ConfidentialClientApplication } from '@azure/msal-node';
import { ConfigurationBotFrameworkAuthentication, ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { type AppCredentials, type BotFrameworkAuthentication, MsalServiceClientCredentialsFactory, type ServiceClientCredentialsFactory } from 'botframework-connector';
import type { TeamsConfig } from '../../src/config/schema-chat.ts';
import { TeamsCredentialsError } from './errors.ts';

type Teams = Extract<TeamsConfig, { enabled: true }>;

export interface BotAuth {
  botAuth: BotFrameworkAuthentication;
  /** A bearer token for the Connector; cached and renewed by the SDK. A closure: callers pass it on detached. */
  token: () => Promise<string>;
}

/**
 * Outbound credentials. With a password: MSAL's client-credentials flow against `auth.loginUrl`;
 * with `validateAuthority: false` MSAL trusts that host as given (knownAuthorities) instead of
 * asking Microsoft's instance discovery about it — a private cloud, or the test fake. A managed
 * identity goes through botbuilder's own factory.
 */
const credentialsFactory = (teams: Teams): ServiceClientCredentialsFactory => {
  if (teams.appType === 'UserAssignedMSI') {
    return new ConfigurationServiceClientCredentialFactory({ MicrosoftAppId: teams.appId, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppTenantId: teams.tenantId ?? '' });
  }
  const { loginUrl, validateAuthority } = teams.auth;
  const msal = new ConfidentialClientApplication({
    auth: {
      clientId: teams.appId,
      clientSecret: teams.appPassword ?? '',
      authority: loginUrl,
      ...(validateAuthority ? {} : { knownAuthorities: [new URL(loginUrl).host] }),
    },
  });
  // msal-node resolves to its ESM build here and its CJS build inside botbuilder: one class, two declarations.
  return new MsalServiceClientCredentialsFactory(teams.appId, msal as unknown as ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1]);
};

/**
 * Every botbuilder auth setting from `chat.teams.auth`, all of them always (a partial set leaves the
 * rest undefined in botbuilder's custom-cloud mode). The emulator's metadata URL is ours too, so
 * no token ever makes patchbot fetch keys from anywhere else. Keys must be endorsed for `msteams`.
 */
export const createBotAuth = (teams: Teams): BotAuth => {
  const { auth } = teams;
  const factory = credentialsFactory(teams);
  const botAuth = new ConfigurationBotFrameworkAuthentication(
    {
      MicrosoftAppId: teams.appId,
      MicrosoftAppTenantId: teams.tenantId ?? '',
      ToBotFromChannelOpenIdMetadataUrl: auth.openIdMetadataUrl,
      ToBotFromEmulatorOpenIdMetadataUrl: auth.openIdMetadataUrl,
      ToBotFromChannelTokenIssuer: auth.tokenIssuer,
      ToChannelFromBotLoginUrl: auth.loginUrl,
      ToChannelFromBotOAuthScope: auth.oauthScope,
      ValidateAuthority: auth.validateAuthority,
      OAuthUrl: 'https://api.botframework.com',
      CallerId: 'urn:botframework:azure',
    },
    factory,
    { requiredEndorsements: ['msteams'] },
  );
  let credentials: Promise<AppCredentials> | null = null;
  return {
    botAuth,
    token: async () => {
      credentials ??= factory.createCredentials(teams.appId, auth.oauthScope, auth.loginUrl, auth.validateAuthority) as Promise<AppCredentials>;
      try {
        return await (await credentials).getToken();
      } catch (error) {
        throw new TeamsCredentialsError(((error as Error).message || String(error)).split('\n')[0]!.slice(0, 300));
      }
    },
  };
};
