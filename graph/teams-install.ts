/**
 * Opening a 1:1 chat with someone who has never used the bot: install the Teams app for them
 * through Graph (application permission TeamsAppInstallation.ReadWriteSelfForUser.All), then
 * read the chat between them and the app. The bot creates the conversation with that chat id.
 *
 * The manifest id (TEAMS_APP_ID) is the catalog's `externalId`; an app published to the
 * organisation's catalog has its own catalog id, looked up once.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { callGraph, GraphRequestError } from './client.js';

export type PersonalChat =
  | { readonly status: 'ready'; readonly chatId: string; /** true when this call installed the app */ readonly installed: boolean }
  /** Installed, but Graph does not show the installation yet: ask again shortly. */
  | { readonly status: 'pending'; readonly reason: string }
  | { readonly status: 'unavailable'; readonly reason: string };

export interface TeamsInstaller {
  /** Makes sure the app is installed for the user (Entra object id) and returns their 1:1 chat. */
  ensurePersonalChat(userId: string): Promise<PersonalChat>;
}

/** The app is not in the organisation's Teams app catalog, so it cannot be installed for anyone. */
export class TeamsAppNotInCatalogError extends Error {
  override readonly name = 'TeamsAppNotInCatalogError';
  constructor(readonly manifestId: string) {
    super(
      `The Teams app ${manifestId} is not in your organisation's app catalog, so Resolve cannot install it for people. ` +
        'Upload appPackage.zip in the Teams admin center (Manage apps > Upload new app), then try again.',
    );
  }
}

interface Installation {
  id: string;
  teamsApp?: { id: string; externalId?: string | null };
}

export interface GraphTeamsInstallerOptions {
  readonly client: Client;
  /** The manifest id (TEAMS_APP_ID). */
  readonly teamsAppId: string;
  /** The catalog id, when configured; otherwise looked up by externalId once. */
  readonly catalogAppId?: string;
  readonly graphBaseUrl?: string;
}

export function createGraphTeamsInstaller(options: GraphTeamsInstallerOptions): TeamsInstaller {
  const { client, teamsAppId } = options;
  const graphBaseUrl = (options.graphBaseUrl ?? 'https://graph.microsoft.com').replace(/\/+$/, '');
  let catalogId: Promise<string> | undefined = options.catalogAppId !== undefined ? Promise.resolve(options.catalogAppId) : undefined;

  const lookUpCatalogId = async () => {
    const apps = await callGraph('finding the Teams app in the catalog', () =>
      client.api('/appCatalogs/teamsApps').filter(`externalId eq '${teamsAppId}'`).get() as Promise<{ value: { id: string }[] }>,
    );
    const app = apps.value[0];
    if (!app) throw new TeamsAppNotInCatalogError(teamsAppId);
    return app.id;
  };
  const catalogAppId = () => {
    catalogId ??= lookUpCatalogId();
    catalogId.catch(() => (catalogId = undefined));
    return catalogId;
  };

  const findInstallation = async (user: string) => {
    const found = await callGraph('reading the user’s Teams apps', () =>
      client
        .api(`/users/${user}/teamwork/installedApps`)
        .expand('teamsApp')
        .filter(`teamsApp/externalId eq '${teamsAppId}'`)
        .get() as Promise<{ value: Installation[] }>,
    );
    return found.value[0];
  };

  const install = async (user: string) => {
    const appId = await catalogAppId();
    try {
      await callGraph('installing the Teams app for a user', () =>
        client.api(`/users/${user}/teamwork/installedApps`).post({ 'teamsApp@odata.bind': `${graphBaseUrl}/v1.0/appCatalogs/teamsApps/${appId}` }) as Promise<unknown>,
      );
    } catch (e) {
      if (!(e instanceof GraphRequestError && e.status === 409)) throw e; // 409: already installed
    }
  };

  return {
    async ensurePersonalChat(userId) {
      const user = encodeURIComponent(userId);
      const existing = await findInstallation(user);
      const installed = existing === undefined;
      let installation = existing;
      if (!installation) {
        await install(user);
        installation = await findInstallation(user);
        if (!installation) return { status: 'pending', reason: 'the Teams app was installed but its installation is not visible yet' };
      }
      const installationId = installation.id;
      const chat = await callGraph('reading the chat with the app', () =>
        client.api(`/users/${user}/teamwork/installedApps/${encodeURIComponent(installationId)}/chat`).select('id').get() as Promise<{ id: string }>,
      );
      return { status: 'ready', chatId: chat.id, installed };
    },
  };
}

export function createLocalTeamsInstaller(): TeamsInstaller {
  return {
    ensurePersonalChat: () =>
      Promise.resolve({ status: 'unavailable', reason: 'Teams app installation is not available locally (GRAPH_MODE=local): only people who message the bot can receive cards' }),
  };
}
