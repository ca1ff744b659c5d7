/** The arithmetic every report shares: one decimal, and null rather than a division by zero. */

/** Rounded to one decimal place (33.333 -> 33.3, 6.25 -> 6.3). */
export function oneDecimal(x: number): number {
  return Math.round(x * 10 + Number.EPSILON * 10) / 10;
}

/** `part` as a percentage of `whole`, one decimal; null when `whole` is 0. */
export function pct(part: number, whole: number): number | null {
  return whole === 0 ? null : oneDecimal((part / whole) * 100);
}

/** The middle value (the mean of the two middle ones for an even count), one decimal; null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return oneDecimal(sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2);
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : oneDecimal(values.reduce((a, b) => a + b, 0) / values.length);
}

export function maximum(values: readonly number[]): number | null {
  return values.length === 0 ? null : Math.max(...values);
}

/** Adds one to `key`'s count. */
export function tally(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

/** A map with its keys in alphabetical order, so the JSON and the CSV read the same every time. */
export function sortedKeys<T>(map: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.keys(map).sort().map((k) => [k, map[k]!]));
}
