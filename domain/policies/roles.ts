import { z } from 'zod';

/**
 * Every role a ladder stage can address, as stable keys (DOMAIN.md §1.3, §8.1). Display labels
 * differ per authority (AMB-47); the directory maps each key to people for a given case.
 */
export const ROLE_KEYS = [
  // reviewing officers (the raisers)
  'iro', // Independent Reviewing Officer (O, C)
  'firo', // Independent Foster Home Reviewing Officer / Fostering IRO (D, C)
  'fro', // Fostering Reviewing Officer (S)
  'officer_line_manager', // the raising officer's own line manager (D-B1 bypass discussion)
  // practitioners on the case
  'social_worker', // the child's allocated social worker
  'supervising_social_worker', // the foster carer's supervising (link) social worker
  // the case's management chain
  'practice_supervisor',
  'team_manager',
  'fostering_support_team_manager', // Dudley
  'operations_manager', // Somerset "Ops Manager"
  'service_manager',
  'fostering_service_manager', // Dudley
  'sr_service_manager', // Dudley Safeguarding & Review Service Manager
  'ascm', // Oxfordshire Area/Assistant Service Manager(s) (AMB-22)
  'sm_safeguarding', // Oxfordshire
  'safeguarding_manager', // Oxfordshire
  'sm_quality_assurance', // Oxfordshire Service Manager, Quality Assurance (OX-S14, O-P6)
  'head_of_service',
  'hos_children_in_care_and_resources', // Dudley Stage 3
  'head_of_safeguarding_practice_qa', // Dudley Stage 3
  'hos_safeguarding_and_review', // Dudley Stage 4 sender (AMB-26)
  'deputy_director',
  'dd_safeguarding', // Oxfordshire Stage 4 alert
  'director', // Director of Children's Services (DCS)
  'service_director', // Dudley Stage 4 (AMB-25)
  'head_of_paid_service', // Oxfordshire Stage 5
  // support
  'business_support',
  // outside the authority
  'cafcass',
] as const;

export const roleKeySchema = z.enum(ROLE_KEYS);
export type RoleKey = z.infer<typeof roleKeySchema>;
