import type { Client } from '@microsoft/microsoft-graph-client';
import type { AppConfig } from '../../bin/config.js';
import { createEntraDirectory } from './entra.js';
import { createOrgFileDirectory, loadOrganisationFile } from './org-file.js';
import type { Directory } from './types.js';

export type { CaseContext, Cover, Directory, Person, Team } from './types.js';
export { createEntraDirectory, type EntraDirectoryOptions } from './entra.js';
export { createOrgFileDirectory, loadOrganisationFile, parseOrganisation, type OrganisationFile } from './org-file.js';

/**
 * The directory the configuration names: the organisation file (read and checked now, so a bad
 * file stops start-up), or Entra ID through the given Graph client.
 */
export async function createDirectory(config: Pick<AppConfig, 'directory'>, graphClient?: Client): Promise<Directory> {
  if (config.directory.source === 'org-file') return createOrgFileDirectory(await loadOrganisationFile(config.directory.orgFile));
  if (!graphClient) throw new Error('DIRECTORY_SOURCE=entra needs a Microsoft Graph client: set GRAPH_MODE=graph with an app registration');
  return createEntraDirectory({ client: graphClient, roleGroups: config.directory.roleGroups });
}
