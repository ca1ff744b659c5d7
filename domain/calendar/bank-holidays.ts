import Holidays from 'date-holidays';
import { isoWeekday, parseLocalDate, type LocalDate } from './local-date.js';

export interface Holiday {
  readonly date: LocalDate;
  readonly name: string;
}

const england = new Holidays('GB', 'ENG');
const byYear = new Map<number, readonly Holiday[]>();

/**
 * England & Wales bank holidays that close offices: the `public` entries from date-holidays
 * that fall Monday to Friday. A holiday on a weekend is dropped; its substitute day is kept,
 * as are one-off days (2020 VE Day, 2022 Platinum Jubilee and State Funeral, 2023 Coronation).
 */
export function englandAndWalesBankHolidays(year: number): readonly Holiday[] {
  const cached = byYear.get(year);
  if (cached) return cached;
  const days = england
    .getHolidays(year)
    .filter((h) => h.type === 'public')
    .map((h) => ({ date: parseLocalDate(h.date.slice(0, 10)), name: h.name }))
    .filter((h) => isoWeekday(h.date) <= 5);
  byYear.set(year, days);
  return days;
}
