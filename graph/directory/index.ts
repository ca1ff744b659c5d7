import type { Client } from '@microsoft/microsoft-graph-client';
import type { RoleKey } from '../../domain/policies/roles.js';
import { createEntraDirectory } from './entra.js';
import { createOrgFileDirectory, loadOrganisationFile } from './org-file.js';
import type { Directory } from './types.js';

export type { CaseContext, Cover, Directory, Person, Team } from './types.js';
export { createEntraDirectory, type EntraDirectoryOptions } from './entra.js';
export { createOrgFileDirectory, loadOrganisationFile, parseOrganisation, type OrganisationFile } from './org-file.js';

/** Where the directory comes from (bin/config.ts reads it from the environment). */
export interface DirectoryConfig {
  readonly directory: {
    readonly source: 'org-file' | 'entra';
    readonly orgFile: string;
    readonly roleGroups: Readonly<Partial<Record<RoleKey, string>>>;
  };
}

/**
 * The directory the configuration names: the organisation file (read and checked now, so a bad
 * file stops start-up), or Entra ID through the given Graph client.
 */
export async function createDirectory(config: DirectoryConfig, graphClient?: Client): Promise<Directory> {
  if (config.directory.source === 'org-file') return createOrgFileDirectory(await loadOrganisationFile(config.directory.orgFile));
  if (!graphClient) throw new Error('DIRECTORY_SOURCE=entra needs a Microsoft Graph client: set GRAPH_MODE=graph with an app registration');
  return createEntraDirectory({ client: graphClient, roleGroups: config.directory.roleGroups });
}
