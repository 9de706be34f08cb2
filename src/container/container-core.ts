// The state the parts of the container service share: the record store, the per-container lock,
// the in-process notifications ('exit', 'removed', 'started') and the lifecycle hooks.
import { EventEmitter } from 'node:events';
import type { ContainerHooks, ContainerServiceDeps } from './container-deps.js';
import type { ContainerRecord, ContainerStore } from './container-record.js';
import { seccompAgentBinary } from './seccomp-agent.js';
import { SeccompAgentPool } from './seccomp-agent-pool.js';

/** How soon after a start an attach still reads the run from its beginning (a loaded machine delays clients). */
const FRESH_RUN_MS = 3000;

export class ContainerCore {
  readonly store: ContainerStore;
  /** Per-container notifications: `exit:<id>` (code), `removed:<id>`, `started:<id>`. */
  readonly bus = new EventEmitter();
  readonly hooks: ContainerHooks[] = [];
  /** Containers whose exit is being handled, so wait() sees a consistent state. */
  readonly exiting = new Set<string>();
  /** Spare seccomp agents for containers that get lxcfs (none when they cannot: no lxcfs, no agent). */
  readonly seccompAgents: SeccompAgentPool;
  private readonly locks = new Map<string, Promise<unknown>>();
  /** Where each container's current run began in its log, and when (see runStartOffset). */
  private readonly runStarts = new Map<string, { offset: number; at: number }>();

  constructor(readonly deps: ContainerServiceDeps) {
    this.store = deps.store;
    this.bus.setMaxListeners(0);
    this.seccompAgents = new SeccompAgentPool(deps.paths.p.execRoot, deps.lxcfsMountPoint && seccompAgentBinary() ? 2 : 0);
  }

  /** Notes where a run's output begins in the log file. */
  runStarted(id: string, offset: number): void {
    this.runStarts.set(id, { offset, at: Date.now() });
  }

  /**
   * The log offset where the current run began, when it began less than FRESH_RUN_MS ago. Clients such
   * as docker-compose 1.29's `run` start a container and only then attach (dockerpty opens its
   * sockets lazily); on dockerd the first output is still in the stdio pipe when they come, so
   * they see it. An attach this soon after a start reads the run from its beginning to match.
   */
  freshRunOffset(id: string): number | undefined {
    const r = this.runStarts.get(id);
    if (!r) return undefined;
    if (Date.now() - r.at > FRESH_RUN_MS) {
      this.runStarts.delete(id);
      return undefined;
    }
    return r.offset;
  }

  /** Serialises state changes of one container. */
  locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.locks.set(id, next);
    void next.finally(() => {
      if (this.locks.get(id) === next) this.locks.delete(id);
    }).catch(() => undefined);
    return next;
  }

  /** A docker `container` event with the container's labels, image and name. */
  emit(c: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.deps.events.emit('container', action, c.id, { ...(c.config.Labels ?? {}), image: c.imageName, name: c.name.slice(1), ...extra });
  }

  /** Resolves when the container's current run has ended and been recorded. */
  waitExit(id: string): Promise<number> {
    return new Promise((resolve) => this.bus.once(`exit:${id}`, resolve));
  }
}

export function isRunning(c: ContainerRecord): boolean {
  return c.state.Status === 'running' || c.state.Status === 'paused';
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
