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

type Authenticated = Awaited<ReturnType<TeamsAdapter['botFrameworkAuthentication']['authenticateRequest']>>;
type MadeConnectors = NonNullable<Authenticated['connectorFactory']>;
type MakeUserTokenClient = TeamsAdapter['botFrameworkAuthentication']['createUserTokenClient'];

/** Connector clients kept per bot, audience and service URL (Teams has a handful of regional service URLs). */
const CONNECTORS_KEPT = 64;

export class ResolveAdapter extends TeamsAdapter {
  /**
   * botbuilder builds a new ConnectorClient (its HTTP pipeline, its credentials) for every turn,
   * even an invoke that never calls out: about a tenth of a bare turn's CPU here. A client holds
   * nothing of the turn (its credentials fetch and refresh their own tokens), so one is kept per
   * bot, audience and service URL and shared by every turn that needs the same.
   */
  private readonly connectors = new Map<string, ReturnType<MadeConnectors['create']>>();

  /**
   * Likewise botbuilder makes a UserTokenClient (a token API client with its own HTTP pipeline)
   * for every turn, though Resolve never asks it for a user's token: about 0.16 ms of CPU a turn
   * here. It holds only the bot's app id and credentials, so one is kept per bot app id.
   */
  private readonly userTokenClients = new Map<string, ReturnType<MakeUserTokenClient>>();

  constructor(...args: ConstructorParameters<typeof TeamsAdapter>) {
    super(...args);
    const auth = this.botFrameworkAuthentication;
    const make = auth.createUserTokenClient.bind(auth);
    auth.createUserTokenClient = (claims: Parameters<MakeUserTokenClient>[0]) => {
      // The bot's app id as botbuilder reads it: the audience claim, or the emulator's appid claim.
      const key = claims.getClaimValue('aud') ?? claims.getClaimValue('appid') ?? '';
      const kept = this.userTokenClients.get(key);
      if (kept !== undefined) return kept;
      const client = make(claims);
      if (this.userTokenClients.size >= CONNECTORS_KEPT) this.userTokenClients.clear();
      this.userTokenClients.set(key, client);
      client.catch(() => {
        if (this.userTokenClients.get(key) === client) this.userTokenClients.delete(key);
      });
      return client;
    };
  }

  /** Validates the inbound request's token; throws when it is missing or invalid (unless local mode). */
  async authenticate(activity: Activity, authorization: string) {
    const result = await this.botFrameworkAuthentication.authenticateRequest(activity, authorization);
    const made = result.connectorFactory;
    if (made === undefined) return result;
    // The bot's app id, as botbuilder takes it from the token's audience claim (empty in local mode).
    const botAppId = result.claimsIdentity.getClaimValue('aud') ?? '';
    const connectorFactory: MadeConnectors = {
      create: (serviceUrl, audience) => {
        const key = `${botAppId}\n${audience ?? ''}\n${serviceUrl}`;
        const kept = this.connectors.get(key);
        if (kept !== undefined) return kept;
        const client = made.create(serviceUrl, audience);
        if (this.connectors.size >= CONNECTORS_KEPT) this.connectors.clear();
        this.connectors.set(key, client);
        // A client that could not be made is not kept: the next turn tries again (unless another was kept since).
        client.catch(() => {
          if (this.connectors.get(key) === client) this.connectors.delete(key);
        });
        return client;
      },
    };
    return { ...result, connectorFactory };
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
