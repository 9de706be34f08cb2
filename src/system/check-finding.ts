// What `berth system check` reports: one orphan (or disagreement) per finding, and whether
// `--repair` removed it.

export type FindingKind = 'blob' | 'ingest' | 'snapshot' | 'mount' | 'container' | 'runtime-state' | 'cgroup' | 'sandbox' | 'netns' | 'lease' | 'bridge' | 'veth' | 'rule';

export interface Finding {
  kind: FindingKind;
  /** The thing found: a digest, a snapshot name, a path, an interface, a container ID. */
  id: string;
  /** Why it counts as an orphan, in a few words. */
  reason: string;
  /** Set by a repair run: whether it is gone now (with the error when not). */
  repaired?: boolean;
  error?: string;
}

/** What may be made by a job running now: newer than the daemon's start and than the grace. */
export interface CheckClock {
  startedAt: Date;
  /** Things made since start and younger than this are left alone (a pull or build may own them). */
  graceMs: number;
}

export function mayBeInFlight(made: Date, clock: CheckClock): boolean {
  return made.getTime() >= clock.startedAt.getTime() && Date.now() - made.getTime() < clock.graceMs;
}

/** Runs a repair step for a finding and notes its outcome on it. */
export async function repairing(f: Finding, step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
    f.repaired = true;
  } catch (err) {
    f.repaired = false;
    f.error = err instanceof Error ? err.message : String(err);
  }
}
