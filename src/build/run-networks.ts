// The network sandboxes of one build's RUN steps. A sandbox made for a step goes back to the
// build's pool when the step ends and serves its later steps on the same network (a step's
// processes are all gone when it ends, and steps lack the capabilities to change the
// namespace): one attach per build and network, not one per step. Steps running at the same
// time (parallel stages) get sandboxes of their own. All are given back when the build ends.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SpecMount } from '../runtime/spec/spec-input.js';

/** A RUN step's network: its namespace and /etc files, from the network service. */
export interface StepNetworking {
  /** `mode` is bridge, default or a network's name or ID; `extraHosts` are `--add-host` values. */
  attach(id: string, mode: string, filesDir: string, extraHosts: readonly string[]): Promise<{ netns: { path: string; userns?: string } | 'host' | 'none'; mounts: SpecMount[] }>;
  detach(id: string): Promise<void>;
}

/** What a step runs with: a joined namespace with its /etc files, or the host's or no network. */
export type StepNetwork = 'host' | 'none' | { netns: { path: string; userns?: string }; mounts: SpecMount[] };

interface Sandbox {
  id: string;
  net: StepNetwork;
}

export class RunNetworks {
  private readonly made: string[] = [];
  private readonly free = new Map<string, Sandbox[]>();

  constructor(
    private readonly networking: StepNetworking,
    /** Where the sandboxes' /etc files go (the build's scratch dir). */
    private readonly workDir: string,
    /** The build's `--add-host` values, in every sandbox's /etc/hosts. */
    private readonly extraHosts: readonly string[] = [],
  ) {}

  /** Runs `fn` with a sandbox on `mode`'s network, taken from the pool or made now. */
  async with<T>(mode: string, fn: (net: StepNetwork) => Promise<T>): Promise<T> {
    const sandbox = this.free.get(mode)?.pop() ?? (await this.make(mode));
    try {
      return await fn(sandbox.net);
    } finally {
      let pool = this.free.get(mode);
      if (!pool) this.free.set(mode, (pool = []));
      pool.push(sandbox);
    }
  }

  /** Gives back every sandbox (at the end of the build, failed or not). */
  async close(): Promise<void> {
    const ids = this.made.splice(0);
    this.free.clear();
    await Promise.all(ids.map((id) => this.networking.detach(id).catch(() => undefined)));
  }

  private async make(mode: string): Promise<Sandbox> {
    const id = `build-net-${randomBytes(12).toString('hex')}`;
    this.made.push(id);
    const a = await this.networking.attach(id, mode, join(this.workDir, `${id}-files`), this.extraHosts);
    return { id, net: typeof a.netns === 'object' ? { netns: a.netns, mounts: a.mounts } : a.netns };
  }
}
