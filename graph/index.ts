/**
 * Everything Resolve does with Microsoft 365, built from the configuration: Graph adapters in
 * graph mode, file-backed ones in local mode (mail as .eml, events as .ics, no app installation).
 */
import path from 'node:path';
import type { TokenCredential } from '@azure/identity';
import type { Client } from '@microsoft/microsoft-graph-client';
import { createFileCalendar, createGraphCalendar, type Calendar } from './calendar.js';
import { createGraphClient, createGraphCredential } from './client.js';
import { createDirectory, type DirectoryConfig } from './directory/index.js';
import type { Directory } from './directory/types.js';
import { createFileMailSender, createGraphMailSender, type MailSender } from './mail.js';
import { createGraphTeamsInstaller, createLocalTeamsInstaller, type TeamsInstaller } from './teams-install.js';

export * from './calendar.js';
export * from './client.js';
export * from './directory/index.js';
export * from './mail.js';
export * from './teams-install.js';

export interface GraphServices {
  readonly directory: Directory;
  readonly mail: MailSender;
  readonly calendar: Calendar;
  readonly teamsInstaller: TeamsInstaller;
}

/** The app registration Graph calls are made as (bin/config.ts reads it from the environment). */
export interface GraphAppRegistration {
  readonly appId?: string;
  readonly tenantId?: string;
  readonly credential:
    | { readonly kind: 'none' }
    | { readonly kind: 'secret'; readonly password: string }
    | { readonly kind: 'certificate'; readonly privateKeyPath: string };
}

/** The slice of the configuration the Graph services need. */
export interface GraphServicesConfig {
  /** Local mode writes mail and calendar files under it. */
  readonly dataDir: string;
  readonly graph: {
    readonly mode: 'local' | 'graph';
    readonly baseUrl: string;
    readonly mailSender?: string;
    readonly teamsAppId?: string;
    readonly teamsCatalogAppId?: string;
  };
  readonly directory: DirectoryConfig['directory'];
  readonly bot: GraphAppRegistration;
}

export const outboxMailDir = (dataDir: string) => path.join(dataDir, 'outbox-mail');
export const outboxCalendarDir = (dataDir: string) => path.join(dataDir, 'outbox-calendar');

/** The app-only credential of the bot's app registration. */
export function credentialFromConfig(bot: GraphAppRegistration): TokenCredential {
  const { appId, tenantId, credential } = bot;
  if (appId === undefined || tenantId === undefined || credential.kind === 'none') {
    throw new Error('Microsoft Graph needs MicrosoftAppId, MicrosoftAppTenantId and a secret or certificate (see env.sample)');
  }
  return credential.kind === 'secret'
    ? createGraphCredential({ tenantId, clientId: appId, clientSecret: credential.password })
    : createGraphCredential({ tenantId, clientId: appId, certificatePath: credential.privateKeyPath });
}

/**
 * Builds the services the configuration asks for. `overrides.credential` replaces the app
 * registration's credential (tests use a fake one with a fake Graph base URL).
 */
export async function createGraphServices(config: GraphServicesConfig, overrides: { readonly credential?: TokenCredential; readonly now?: () => Date } = {}): Promise<GraphServices> {
  const now = overrides.now ?? (() => new Date());
  if (config.graph.mode === 'local') {
    return {
      directory: await createDirectory(config),
      mail: createFileMailSender({ dir: outboxMailDir(config.dataDir), from: config.graph.mailSender ?? 'resolve@localhost', now }),
      calendar: createFileCalendar({ dir: outboxCalendarDir(config.dataDir), now }),
      teamsInstaller: createLocalTeamsInstaller(),
    };
  }
  const { mailSender, teamsAppId, baseUrl } = config.graph;
  if (mailSender === undefined || teamsAppId === undefined) throw new Error('GRAPH_MODE=graph needs MAIL_SENDER and TEAMS_APP_ID (see env.sample)');
  const client: Client = createGraphClient({ credential: overrides.credential ?? credentialFromConfig(config.bot), baseUrl });
  return {
    directory: await createDirectory(config, client),
    mail: createGraphMailSender({ client, sender: mailSender }),
    calendar: createGraphCalendar({ client, mailbox: mailSender }),
    teamsInstaller: createGraphTeamsInstaller({ client, teamsAppId, graphBaseUrl: baseUrl, ...(config.graph.teamsCatalogAppId !== undefined && { catalogAppId: config.graph.teamsCatalogAppId }) }),
  };
}
