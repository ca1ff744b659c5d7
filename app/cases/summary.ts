/**
 * The case summary read model: one row per case, written in the transaction that appends the
 * case's events, for "open cases by person", "cases at a stage" and "overdue" queries.
 */
import type { Queryable, Tx } from '../../store/db.js';

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

/**
 * Writes the case's row. `isOpen` says whether the case still needs people; `awaitingResponseBy`
 * is the response due time while a response is still awaited (it drives the overdue query).
 */
export async function upsertCaseSummary(tx: Tx, summary: CaseSummaryInput, state: { readonly isOpen: boolean; readonly awaitingResponseBy: string | null }): Promise<void> {
  // One statement: the row is written only when no other case holds the reference. A race with
  // another case taking it at the same moment ends on the unique index, reported the same way.
  let written: unknown[];
  try {
    written = await tx.query(
      `INSERT INTO case_summary (case_id, reference, policy_id, kind, status, is_open, stage_id, stage_label, raised_by, addressees, copied,
                                 response_due_at, overall_limit_at, updated_at, version, summary)
       SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::boolean, $7::text, $8::text, $9::text, $10::jsonb, $11::jsonb,
              $12::timestamptz, $13::timestamptz, $14::timestamptz, $15::integer, $16::jsonb
        WHERE NOT EXISTS (SELECT 1 FROM case_summary WHERE reference = $2::text AND case_id <> $1::text)
       ON CONFLICT (case_id) DO UPDATE SET
         reference = excluded.reference, policy_id = excluded.policy_id, kind = excluded.kind, status = excluded.status,
         is_open = excluded.is_open, stage_id = excluded.stage_id, stage_label = excluded.stage_label, raised_by = excluded.raised_by,
         addressees = excluded.addressees, copied = excluded.copied, response_due_at = excluded.response_due_at,
         overall_limit_at = excluded.overall_limit_at, updated_at = excluded.updated_at, version = excluded.version, summary = excluded.summary
       RETURNING case_id`,
      [
        summary.caseId,
        summary.reference,
        summary.policyId,
        summary.kind,
        summary.status,
        state.isOpen,
        summary.stageId,
        summary.stageLabel,
        summary.raisedBy,
        JSON.stringify(summary.addressees),
        JSON.stringify(summary.copied),
        state.awaitingResponseBy,
        summary.overallLimitAt,
        summary.updatedAt,
        summary.version,
        JSON.stringify(summary),
      ],
    );
  } catch (error) {
    const { code, constraint } = error as { code?: string; constraint?: string };
    if (code === '23505' && constraint === 'case_summary_reference_key') throw new DuplicateReferenceError(summary.reference);
    throw error;
  }
  if (written.length === 0) throw new DuplicateReferenceError(summary.reference);
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
