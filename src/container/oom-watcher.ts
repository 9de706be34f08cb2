// Live OOM notices: conmon creates a file named `oom` in the container's bundle each time the OOM
// killer strikes in the container's cgroup — also when only a child dies and the container lives on.
// Claiming the file (unlinking it) makes each OOM count once, and lets the next one create it again.
import { watch, type FSWatcher } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';

const OOM_FILE = 'oom';

export class OomWatcher {
  private readonly watchers = new Map<string, FSWatcher>();

  constructor(private readonly onOom: (id: string) => void) {}

  /** Watches a running container's bundle dir; an `oom` file already there counts at once. */
  watch(id: string, bundle: string): void {
    this.unwatch(id);
    let w: FSWatcher;
    try {
      w = watch(bundle, { persistent: false }, (_ev, name) => {
        if (name?.toString() === OOM_FILE) void this.claim(bundle).then((hit) => hit && this.onOom(id));
      });
    } catch {
      return; // the bundle is gone: the container has already exited
    }
    w.on('error', () => this.unwatch(id));
    this.watchers.set(id, w);
    void this.claim(bundle).then((hit) => hit && this.onOom(id));
  }

  unwatch(id: string): void {
    this.watchers.get(id)?.close();
    this.watchers.delete(id);
  }

  stop(): void {
    for (const id of [...this.watchers.keys()]) this.unwatch(id);
  }

  /** Takes a pending OOM notice: true once per `oom` file conmon made. */
  async claim(bundle: string): Promise<boolean> {
    try {
      await unlink(join(bundle, OOM_FILE));
      return true;
    } catch {
      return false;
    }
  }
}
