import type { CaseState, CaseStatus } from './state.js';

/** One row per case for the store's query projections (open cases by person, by stage, overdue). */
export interface CaseSummary {
  caseId: string;
  reference: string;
  policyId: string;
  /** notification | alert | dispute */
  kind: string;
  alertTypeId: string;
  alertTypeLabel: string;
  status: CaseStatus;
  stageId: string;
  stageLabel: string;
  raisedBy: string;
  /** The allocated social worker or supervising social worker the stages' roles are found from. */
  allocatedWorkerId: string | null;
  addressees: string[];
  copied: string[];
  /** Owners of actions not yet complete. */
  actionOwners: string[];
  responseDueAt: string | null;
  /** Open, no response yet at this stage, and past the response due time. */
  overdue: boolean;
  overallLimitAt: string | null;
  version: number;
  /** The card revision (CaseState.revision): what a card drawn from this summary carries. */
  revision: number;
  updatedAt: string;
}

export function summarise(state: CaseState, now: Date): CaseSummary {
  const stage = state.stage;
  const due = stage.responseDueAt;
  return {
    caseId: state.caseId,
    reference: state.reference,
    policyId: state.policyId,
    kind: state.kind,
    alertTypeId: state.alertTypeId,
    alertTypeLabel: state.alertTypeLabel,
    status: state.status,
    stageId: stage.stageId,
    stageLabel: stage.stageLabel,
    raisedBy: state.raisedBy,
    allocatedWorkerId: state.allocatedWorkerId,
    addressees: [...stage.to],
    copied: [...stage.cc],
    actionOwners: [...new Set(state.actions.filter((a) => a.completedAt === null).map((a) => a.owner))],
    responseDueAt: due,
    overdue: state.status === 'open' && stage.response === null && due !== null && now.getTime() > Date.parse(due),
    overallLimitAt: state.status === 'open' ? state.overallLimitAt : null,
    version: state.version,
    revision: state.revision,
    updatedAt: state.updatedAt,
  };
}
