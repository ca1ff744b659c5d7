/**
 * Read a setting from a ladder by a dotted path, where list items are addressed by their `id`:
 * `alertTypes.drp.entryStage`, `stages.stage_4.responseTime`, `overallLimit`. Returns undefined
 * when the path names nothing (a value of null is a setting that exists and is null).
 */
export function resolveSetting(policy: unknown, path: string): unknown {
  let current: unknown = policy;
  for (const segment of path.split('.')) {
    if (Array.isArray(current)) {
      current = current.find((item: unknown) =>
        typeof item === 'object' && item !== null && (item as { id?: unknown }).id === segment);
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, segment)) {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}
