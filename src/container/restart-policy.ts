// Docker's restart policies: whether a container that stopped runs again, and after how long.
// The back-off starts at 100 ms and doubles on every restart up to a minute; a run of 10 s or more
// resets it.

export interface RestartPolicy {
  Name?: string;
  MaximumRetryCount?: number;
}

export const RESTART_FIRST_DELAY_MS = 100;
export const RESTART_MAX_DELAY_MS = 60_000;
/** A run at least this long counts as healthy: the back-off starts over. */
export const RESTART_RESET_AFTER_MS = 10_000;

export const RESTART_POLICY_NAMES = ['', 'no', 'always', 'unless-stopped', 'on-failure'] as const;

export interface ExitFacts {
  exitCode: number;
  /** The user stopped it (stop, kill, rm -f) or, at daemon start, stopped it before. */
  manuallyStopped: boolean;
  /** Restarts done so far by the policy. */
  restartCount: number;
}

/**
 * docker's decision. `always` ignores a manual stop (the caller cancels restarts on stop; at daemon
 * start an `always` container comes back even when it had been stopped, as docker's does);
 * `unless-stopped` honours it; `on-failure` restarts non-zero exits until MaximumRetryCount.
 */
export function policyWantsRestart(policy: RestartPolicy | undefined, f: ExitFacts): boolean {
  switch (policy?.Name ?? 'no') {
    case 'always':
      return true;
    case 'unless-stopped':
      return !f.manuallyStopped;
    case 'on-failure': {
      const max = policy?.MaximumRetryCount ?? 0;
      return f.exitCode !== 0 && (max <= 0 || f.restartCount < max);
    }
    default:
      return false;
  }
}

/** Validates a policy as docker's daemon does (create and update). */
export function validateRestartPolicy(policy: RestartPolicy | undefined): string | undefined {
  if (!policy) return undefined;
  const name = policy.Name ?? '';
  if (!(RESTART_POLICY_NAMES as readonly string[]).includes(name)) {
    return `invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`;
  }
  const max = policy.MaximumRetryCount ?? 0;
  if (max < 0) return 'invalid restart policy: maximum retry count cannot be negative';
  if (max > 0 && name !== 'on-failure') return `invalid restart policy: maximum retry count can only be used with 'on-failure'`;
  return undefined;
}

/** The delay before the next restart of one container (docker's restart manager timeout). */
export class RestartBackoff {
  private delay = 0;

  /** Call once per exit that leads to a restart; `ranMs` is how long the run lasted. */
  next(ranMs: number): number {
    if (ranMs >= RESTART_RESET_AFTER_MS) this.delay = 0;
    this.delay = this.delay === 0 ? RESTART_FIRST_DELAY_MS : Math.min(this.delay * 2, RESTART_MAX_DELAY_MS);
    return this.delay;
  }

  reset(): void {
    this.delay = 0;
  }
}
