/**
 * The Bot Framework adapter: botbuilder's CloudAdapter (as teams-ai's TeamsAdapter) with
 * `ConfigurationBotFrameworkAuthentication` and `ConfigurationServiceClientCredentialFactory`.
 * Authentication is split from running the turn so the HTTP layer decides the status codes:
 * a request that fails authentication never reaches a handler.
 */
import { CallerIdConstants, ConfigurationServiceClientCredentialFactory, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai';

export type BotCredentialMaterial =
  | { readonly kind: 'none' }
  | { readonly kind: 'secret'; readonly password: string }
  | { readonly kind: 'certificate'; readonly thumbprint: string; readonly privateKeyPem: string };

export interface BotIdentity {
  /** The Entra app (Azure Bot) client id. Absent: local mode, no token checks. */
  readonly appId?: string;
  /** The one tenant a SingleTenant bot serves. */
  readonly tenantId?: string;
  readonly credential: BotCredentialMaterial;
  /**
   * Where the signing keys of inbound tokens are published. Defaults to the Bot Framework's;
   * tests point it at a local fake.
   */
  readonly openIdMetadataUrl?: string;
}

/** The public Azure cloud's Bot Framework endpoints (botframework-connector's defaults). */
const PUBLIC_CLOUD = {
  ValidateAuthority: true,
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  CallerId: CallerIdConstants.PublicAzureChannel,
} as const;

export class ResolveAdapter extends TeamsAdapter {
  /** Validates the inbound request's token; throws when it is missing or invalid (unless local mode). */
  authenticate(activity: Activity, authorization: string) {
    return this.botFrameworkAuthentication.authenticateRequest(activity, authorization);
  }

  /** Runs a turn for a request that `authenticate` accepted; returns the invoke response, if any. */
  runAuthenticated(
    authenticated: Awaited<ReturnType<ResolveAdapter['authenticate']>>,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<InvokeResponse | undefined> {
    return this.processActivity(authenticated, activity, logic);
  }
}

export function createAdapter(identity: BotIdentity): ResolveAdapter {
  if (identity.appId === undefined) return new ResolveAdapter({});
  const { credential } = identity;
  const settings = {
    MicrosoftAppId: identity.appId,
    MicrosoftAppType: 'SingleTenant',
    MicrosoftAppTenantId: identity.tenantId,
    ...(credential.kind === 'secret' && { MicrosoftAppPassword: credential.password }),
    ...(credential.kind === 'certificate' && {
      CertificateThumbprint: credential.thumbprint,
      CertificatePrivateKey: credential.privateKeyPem,
    }),
  };
  // botbuilder takes any one endpoint override as a full custom cloud, so give the public
  // cloud's values for the rest.
  const authSettings = {
    ...settings,
    ...(identity.openIdMetadataUrl !== undefined && {
      ...PUBLIC_CLOUD,
      ToBotFromChannelOpenIdMetadataUrl: identity.openIdMetadataUrl,
      ToBotFromEmulatorOpenIdMetadataUrl: identity.openIdMetadataUrl,
    }),
  };
  return new ResolveAdapter(authSettings, new ConfigurationServiceClientCredentialFactory(settings));
}
