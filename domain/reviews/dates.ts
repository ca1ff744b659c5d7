import { parseLocalDate, type LocalDate } from '../calendar/index.js';
import { InvalidInputError } from '../errors.js';

/** Parses one date, labelling the message for a person (`label`) and the error for a form (`field`). */
export function parseDate(value: string, label: string, field: string): LocalDate {
  try {
    return parseLocalDate(value, label);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new InvalidInputError(error.message, field);
    throw error;
  }
}

/**
 * Parses a history of dates that must be strictly increasing: each event happened once, in order.
 * Refuses a duplicate or an out-of-order date, saying which.
 */
export function parseDateHistory(values: readonly string[] | undefined, label: string, field: string): LocalDate[] {
  const dates = (values ?? []).map((v) => parseDate(v, label, field));
  for (let i = 1; i < dates.length; i += 1) {
    const [previous, current] = [dates[i - 1]!, dates[i]!];
    if (current === previous) {
      throw new InvalidInputError(`${label}s list ${current} twice: give each date once`, field);
    }
    if (current < previous) {
      throw new InvalidInputError(
        `${label}s must be in date order, earliest first: ${current} comes after ${previous}`, field);
    }
  }
  return dates;
}

/** Refuses any date before `anchor`, naming both. */
export function assertNoneBefore(
  dates: readonly LocalDate[], anchor: LocalDate, label: string, anchorLabel: string, field: string,
): void {
  const early = dates.find((d) => d < anchor);
  if (early !== undefined) {
    throw new InvalidInputError(
      `${label} ${early} is before ${anchorLabel} (${anchor}): check the dates, nothing can count before it`, field);
  }
}
