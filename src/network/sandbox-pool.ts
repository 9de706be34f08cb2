// Sandboxes (a network namespace with its endpoints) made, kept spare and torn down. The default
// bridge keeps a few spare ones, namespace and CNI ADD done in the background, so attaching a
// container to it is a row update; teardown (CNI DEL, namespace removal) runs in the same
// background queue, its intent recorded first (state `releasing`) so a crash of berthd never leaks it.
import { join } from 'node:path';
import type { CniEndpoints } from './cni-endpoints.js';
import { createNetns, listNetns, removeNetns, usernsFileOf, type NetnsOwner } from './netns.js';
import { newId } from './network-records.js';
import type { NetworkMode, NetworkStore, SandboxRow } from './network-store.js';

/**
 * How long after a spare is taken the pool starts topping up. By then the start that took it is past
 * its runtime step, which the refill's CNI plugins and namespace would otherwise slow down on a
 * small machine (they compete for the same cores while runc creates the container).
 */
export const REFILL_DELAY_MS = 150;

/** Whose a new sandbox is (absent: a spare). */
export interface SandboxOwner {
  id: string;
  name: string;
  hostname: string;
  filesDir: string;
}

export class SandboxPool {
  private background: Promise<void> = Promise.resolve();
  private pending = 0;
  private closed = false;
  private refillScheduled = false;

  constructor(
    private readonly store: NetworkStore,
    private readonly endpoints: CniEndpoints,
    readonly netnsDir: string,
    readonly netnsOwner: NetnsOwner | undefined,
    private readonly spares: number,
  ) {}

  /** A sandbox row (not stored yet); bridge and none sandboxes get a namespace path of their own. */
  newSandbox(mode: NetworkMode, c: SandboxOwner | undefined): SandboxRow {
    const id = newId();
    return {
      id,
      containerId: c?.id ?? null,
      containerName: c?.name ?? null,
      hostname: c?.hostname ?? null,
      filesDir: c?.filesDir ?? null,
      mode,
      netnsPath: mode === 'bridge' || mode === 'none' ? join(this.netnsDir, id.slice(0, 16)) : null,
      sharesWith: null,
      state: c ? 'attached' : 'ready',
      dnsServers: [],
      ports: [],
      exposed: [],
      created: Date.now(),
    };
  }

  /** Makes a sandbox's namespace (inside the daemon's user namespace when it remaps ids). */
  async createNamespace(s: SandboxRow): Promise<void> {
    await createNetns(s.netnsPath!, this.netnsOwner);
  }

  /** Queues the teardown of a sandbox; the rows stay (state releasing) until it is done. */
  release(s: SandboxRow): void {
    const released: SandboxRow = { ...s, containerId: null, state: 'releasing' };
    this.store.updateSandbox(released);
    this.enqueue(async () => {
      if (s.mode === 'bridge' || s.mode === 'none') {
        for (const ep of this.store.endpointsOfSandbox(s.id)) {
          try {
            await this.endpoints.del(s, ep);
          } catch {
            // DEL of a half-made endpoint may fail; the lease files are checked at reconcile.
          }
        }
        if (s.netnsPath) await removeNetns(s.netnsPath, this.netnsOwner);
      }
      this.store.deleteSandbox(s.id);
    });
  }

  /** Tops the default bridge's spares up, in the background, `delayMs` from now. */
  scheduleRefill(delayMs = REFILL_DELAY_MS): void {
    if (this.spares <= 0 || this.refillScheduled || this.closed) return;
    this.refillScheduled = true;
    this.enqueue(async () => {
      // Waited in the queue, so idle() and close() wait for the refill too.
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      this.refillScheduled = false;
      const net = this.store.networks().find((n) => n.isDefault);
      if (!net) return;
      while (!this.closed && this.store.countSpares(net.id) < this.spares) {
        const s: SandboxRow = { ...this.newSandbox('bridge', undefined), state: 'preparing' };
        this.store.insertSandbox(s);
        try {
          await this.createNamespace(s);
          await this.endpoints.add(s, net, 'eth0', true, null);
          this.store.updateSandbox({ ...s, state: 'ready' });
        } catch {
          this.release(s);
          return;
        }
      }
    });
  }

  /**
   * Removes namespace files no sandbox has, and the user namespaces (`usernsDir`) of those (all of
   * them when remapping is off now). Run once the queue is idle.
   */
  async removeStrayNamespaces(usernsDir: string): Promise<void> {
    const known = new Set(this.store.sandboxes().map((s) => s.netnsPath).filter((p): p is string => Boolean(p)));
    for (const f of await listNetns(this.netnsDir)) if (!known.has(f)) await removeNetns(f, this.netnsOwner);
    const owner = this.netnsOwner;
    const owned = new Set(owner ? [...known].map((p) => usernsFileOf(p, owner)) : []);
    for (const f of await listNetns(usernsDir)) if (!owned.has(f)) await removeNetns(f);
  }

  /** Resolves when the background queue (teardowns, spare sandboxes) is empty. */
  async idle(): Promise<void> {
    while (this.pending > 0) await this.background;
  }

  /** No more spares; waits for the queue, then tears the spares down (a stopped berthd leaves none mounted). */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
    for (const s of this.store.sandboxes()) if (s.state === 'ready' && !s.containerId) this.release(s);
    await this.idle();
  }

  private enqueue(job: () => Promise<void>): void {
    this.pending++;
    this.background = this.background
      .then(job)
      .catch(() => undefined)
      .finally(() => {
        this.pending--;
      });
  }
}
