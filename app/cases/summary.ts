/**
 * The case summary read model: one row per case, written in the transaction that appends the
 * case's events, for "open cases by person", "cases at a stage" and "overdue" queries.
 */
import type { Queryable, Tx } from '../../store/db.js';
import type { Projection } from '../../store/stream-write.js';

/** The summary as the store keeps it; the domain's `CaseSummary` fits this shape. */
export interface CaseSummaryInput {
  readonly caseId: string;
  readonly reference: string;
  readonly policyId: string;
  readonly kind: string;
  readonly status: string;
  readonly stageId: string | null;
  readonly stageLabel: string | null;
  readonly raisedBy: string;
  readonly addressees: readonly string[];
  readonly copied: readonly string[];
  readonly responseDueAt: string | null;
  readonly overallLimitAt: string | null;
  readonly updatedAt: string;
  readonly version: number;
}

export interface CaseSummaryRow<S extends CaseSummaryInput = CaseSummaryInput> {
  readonly caseId: string;
  readonly reference: string;
  readonly status: string;
  readonly isOpen: boolean;
  readonly stageId: string | null;
  /** When a response is awaited by; null once the stage has its response. */
  readonly responseDueAt: Date | null;
  readonly version: number;
  /** The summary exactly as the domain produced it. */
  readonly summary: S;
}

export class DuplicateReferenceError extends Error {
  override readonly name = 'DuplicateReferenceError';
  constructor(readonly reference: string) {
    super(`The case reference ${reference} is already used by another case: give each case its own reference.`);
  }
}

interface Row {
  case_id: string;
  reference: string;
  status: string;
  is_open: boolean;
  stage_id: string | null;
  response_due_at: Date | null;
  version: number;
  summary: unknown;
}

function toRow<S extends CaseSummaryInput>(r: Row): CaseSummaryRow<S> {
  return {
    caseId: r.case_id,
    reference: r.reference,
    status: r.status,
    isOpen: r.is_open,
    stageId: r.stage_id,
    responseDueAt: r.response_due_at === null ? null : new Date(r.response_due_at),
    version: r.version,
    summary: r.summary as S,
  };
}

const COLUMNS = 'case_id, reference, status, is_open, stage_id, response_due_at, version, summary';

/** What the case's row says besides the summary: whether it still needs people, and until when a response is awaited. */
export interface CaseSummaryState {
  readonly isOpen: boolean;
  readonly awaitingResponseBy: string | null;
}

/**
 * The case's row as the store writes it with the case's events (`project_case_summary`,
 * migration 0011). `isOpen` says whether the case still needs people; `awaitingResponseBy` is
 * the response due time while a response is still awaited (it drives the overdue query). The row
 * is written only when no other case holds the reference; otherwise the write is refused as a
 * unique violation (`duplicateReferenceOf` names it).
 */
export function caseSummaryProjection(summary: CaseSummaryInput, state: CaseSummaryState): Projection {
  return {
    fn: 'project_case_summary',
    row: {
      caseId: summary.caseId,
      reference: summary.reference,
      policyId: summary.policyId,
      kind: summary.kind,
      status: summary.status,
      isOpen: state.isOpen,
      stageId: summary.stageId,
      stageLabel: summary.stageLabel,
      raisedBy: summary.raisedBy,
      addressees: summary.addressees,
      copied: summary.copied,
      responseDueAt: state.awaitingResponseBy,
      overallLimitAt: summary.overallLimitAt,
      updatedAt: summary.updatedAt,
      version: summary.version,
      summary,
    },
  };
}

/** The reference clash a refused summary write was, if it was one. */
export function duplicateReferenceOf(error: unknown, reference: string): DuplicateReferenceError | undefined {
  const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
  return code === '23505' && constraint === 'case_summary_reference_key' ? new DuplicateReferenceError(reference) : undefined;
}

/** Writes the case's row on its own (tests, repairs); commands write it with their events. */
export async function upsertCaseSummary(tx: Tx, summary: CaseSummaryInput, state: CaseSummaryState): Promise<void> {
  const { row } = caseSummaryProjection(summary, state);
  try {
    await tx.query('SELECT project_case_summary($1::jsonb)', [JSON.stringify(row)]);
  } catch (error) {
    throw duplicateReferenceOf(error, summary.reference) ?? error;
  }
}

export async function findCaseSummary<S extends CaseSummaryInput>(q: Queryable, by: { readonly reference: string } | { readonly caseId: string }): Promise<CaseSummaryRow<S> | undefined> {
  const [row] =
    'reference' in by
      ? await q.query<Row>(`SELECT ${COLUMNS} FROM case_summary WHERE reference = $1`, [by.reference])
      : await q.query<Row>(`SELECT ${COLUMNS} FROM case_summary WHERE case_id = $1`, [by.caseId]);
  return row && toRow<S>(row);
}

/**
 * Open cases a person raised, is sent or copied, or owns an unfinished action on. Two index
 * lookups (migration 0010), so it costs what the person has, not how many cases there are: the
 * raiser's index, and one over each open case's addressees, copied and action owners together
 * (JSON arrays of ids, so one `?` on the three joined asks each of them).
 */
export async function openCasesFor<S extends CaseSummaryInput>(q: Queryable, personId: string): Promise<CaseSummaryRow<S>[]> {
  const rows = await q.query<Row>(
    `SELECT ${COLUMNS} FROM case_summary
      WHERE is_open AND (raised_by = $1 OR (addressees || copied || coalesce(summary->'actionOwners', '[]'::jsonb)) ? $1)
      ORDER BY response_due_at NULLS LAST, reference`,
    [personId],
  );
  return rows.map((r) => toRow<S>(r));
}

export async function openCasesAtStage<S extends CaseSummaryInput>(q: Queryable, stageId: string): Promise<CaseSummaryRow<S>[]> {
  const rows = await q.query<Row>(`SELECT ${COLUMNS} FROM case_summary WHERE is_open AND stage_id = $1 ORDER BY response_due_at NULLS LAST, reference`, [stageId]);
  return rows.map((r) => toRow<S>(r));
}

/** Open cases whose awaited response is past due at `now`, the longest overdue first. */
export async function overdueCases<S extends CaseSummaryInput>(q: Queryable, now: Date): Promise<CaseSummaryRow<S>[]> {
  const rows = await q.query<Row>(`SELECT ${COLUMNS} FROM case_summary WHERE is_open AND response_due_at < $1 ORDER BY response_due_at, reference`, [now.toISOString()]);
  return rows.map((r) => toRow<S>(r));
}
