/**
 * Who may see reports: senior leaders (the Director, deputy directors, service directors, heads
 * of service) and the service managers who run quality assurance (DESIGN "Who uses it"; DOMAIN
 * O-K01: "coordinated by the Service Manager, Quality Assurance"). Anyone else is told so.
 */
import type { RoleKey } from '../../domain/policies/index.js';
import type { Directory } from '../../graph/directory/index.js';

export const REPORT_ROLES: readonly RoleKey[] = [
  'director', 'deputy_director', 'dd_safeguarding', 'service_director', 'head_of_paid_service',
  'head_of_service', 'hos_children_in_care_and_resources', 'head_of_safeguarding_practice_qa', 'hos_safeguarding_and_review',
  'service_manager', 'sm_quality_assurance', 'sr_service_manager', 'sm_safeguarding',
];

export const NOT_FOR_YOU = 'Reports are for senior leaders and the service manager for quality assurance, and the directory does not give you one of those roles. Ask your service manager for the figures you need. Nothing was shown.';

/** Whether the person holds a role that may see reports, anywhere in the directory. */
export async function mayReport(directory: Pick<Directory, 'rolesOf'>, personId: string): Promise<boolean> {
  const roles = await directory.rolesOf(personId);
  return roles.some((r) => REPORT_ROLES.includes(r));
}
