/**
 * The CPU of a benchmark's own PostgreSQL backends, found by their application_name (a prefix),
 * read from /proc/<pid>/schedstat (nanoseconds on CPU) every 100 ms while a run lasts: a backend
 * that appears mid-run counts from zero, one that goes keeps what it had used at its last sample.
 * pg_stat_statements is not usable on the shared server (it needs shared_preload_libraries, so a
 * restart), hence this. The WAL writer, checkpointer and autovacuum are shared and not counted.
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';

export interface BackendCpu {
  mark(): Promise<void>;
  /** Milliseconds of backend CPU since `mark`, and the backends seen; `ms` undefined when unreadable. */
  total(): Promise<{ ms: number | undefined; backends: number; note?: string }>;
}

export function backendCpu(admin: pg.Client, applicationNamePrefix: string): BackendCpu {
  const seen = new Map<number, { first: number; last: number }>();
  let timer: NodeJS.Timeout | undefined;
  let note: string | undefined;
  const cpuNs = (pid: number): number | undefined => {
    try {
      return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      return undefined;
    }
  };
  const sample = async (initial: boolean) => {
    const rows = (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE starts_with(application_name, $1)', [applicationNamePrefix])).rows;
    for (const { pid } of rows) {
      const ns = cpuNs(pid);
      if (ns === undefined) {
        // A backend that ended between the two reads is not a problem; one never readable is.
        if (!seen.has(pid)) note = `cannot read /proc/${pid}/schedstat (the PostgreSQL server is not on this machine, or no permission)`;
        continue;
      }
      const entry = seen.get(pid);
      if (entry === undefined) seen.set(pid, { first: initial ? ns : 0, last: ns });
      else entry.last = ns;
    }
  };
  return {
    async mark() {
      seen.clear();
      note = undefined;
      await sample(true);
      timer = setInterval(() => void sample(false).catch(() => undefined), 100);
    },
    async total() {
      clearInterval(timer);
      await sample(false);
      const ms = [...seen.values()].reduce((sum, e) => sum + (e.last - e.first), 0) / 1e6;
      return { ms: note === undefined ? ms : undefined, backends: seen.size, ...(note !== undefined && { note }) };
    },
  };
}
