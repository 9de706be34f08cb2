// The directories behind `RUN --mount=type=cache`, kept across builds under the builder's state
// dir and shared by every build of the daemon, with BuildKit's sharing modes:
//   shared  (default) every user of an id gets the same directory, at the same time;
//   locked  users of an id take turns (the next waits until the current step ends);
//   private a user gets a directory no other step is using right now: the id's first free
//           instance, or a fresh empty one when all are busy (kept for later users too).
// A cache with `from=` starts as a copy of that stage's or image's `source` (BuildKit's base of
// the mount): the copy is made aside and renamed into place, so no user sees it half made.
import { chmod, chown, lstat, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { InvalidArgumentError, isErrno } from '../errors.js';
import { resolveInRoot } from '../fsutil/resolve-in-root.js';
import { copyIntoRoot } from './copy-into-root.js';
import type { CacheSharing } from './dockerfile/run-mount.js';

export interface CacheMountLease {
  dir: string;
  release(): void;
}

export interface CacheMountOptions {
  sharing?: CacheSharing;
  /** Mode, owner of a directory made now (BuildKit's mode/uid/gid: the root of a new cache). */
  mode?: number;
  uid?: number;
  gid?: number;
  /**
   * What a directory made now starts with: the contents of `path` (inside the tree `root`, a
   * stage's or image's rootfs of this store), owners, modes and times kept.
   */
  seed?: { root: string; path: string };
}

export class CacheMounts {
  /** Steps using each instance directory now. */
  private readonly users = new Map<string, number>();
  /** For sharing=locked: the end of the last queued user's turn, per id. */
  private readonly turns = new Map<string, Promise<void>>();

  constructor(private readonly root: string) {
    // Seed copies a crash left half made (no build runs while the daemon starts).
    let names: string[] = [];
    try { names = readdirSync(root); } catch { /* no cache mounts yet */ }
    for (const n of names) if (n.includes('.seed-')) rmSync(join(root, n), { recursive: true, force: true });
  }

  /** The directory for one step's use of cache `id`; release it when the step ends. */
  async acquire(id: string, o: CacheMountOptions = {}): Promise<CacheMountLease> {
    const base = createHash('sha256').update(id).digest('hex').slice(0, 32);
    let endTurn: (() => void) | undefined;
    if (o.sharing === 'locked') {
      const previous = this.turns.get(base) ?? Promise.resolve();
      const mine = new Promise<void>((resolve) => (endTurn = resolve));
      const chained = previous.then(() => mine);
      this.turns.set(base, chained);
      await previous;
      // The last in the queue clears it, so idle ids hold nothing.
      void chained.then(() => {
        if (this.turns.get(base) === chained) this.turns.delete(base);
      });
    }
    let name = base;
    if (o.sharing === 'private') {
      for (let i = 1; (this.users.get(name) ?? 0) > 0; i++) name = `${base}-${i}`;
    }
    const dir = join(this.root, name);
    this.users.set(name, (this.users.get(name) ?? 0) + 1);
    try {
      if (o.seed) await seeded(dir, o.seed);
      const made = o.seed ? undefined : await mkdir(dir, { recursive: true, mode: o.mode ?? 0o755 });
      if (made !== undefined && o.mode !== undefined) await chmod(dir, o.mode); // exactly, not less the umask
      if (made !== undefined && (o.uid !== undefined || o.gid !== undefined)) await chown(dir, o.uid ?? 0, o.gid ?? 0);
    } catch (err) {
      this.leave(name);
      endTurn?.();
      throw err;
    }
    let released = false;
    return {
      dir,
      release: () => {
        if (released) return;
        released = true;
        this.leave(name);
        endTurn?.();
      },
    };
  }

  private leave(name: string): void {
    const n = (this.users.get(name) ?? 1) - 1;
    if (n <= 0) this.users.delete(name);
    else this.users.set(name, n);
  }
}

/** Makes `dir` as a copy of the seed's directory unless it exists already. */
async function seeded(dir: string, seed: { root: string; path: string }): Promise<void> {
  if (await lstat(dir).then(() => true, () => false)) return;
  const base = await lstat(await resolveInRoot(seed.root, seed.path)).catch(() => undefined);
  if (!base?.isDirectory()) throw new InvalidArgumentError(`cache mount source ${seed.path} is not a directory`);
  await mkdir(join(dir, '..'), { recursive: true });
  const aside = await mkdtemp(`${dir}.seed-`);
  try {
    await copyIntoRoot({ srcRoot: seed.root, sources: [seed.path.replace(/^\/+/, '') || '.'], destRoot: aside, dest: '/', preserveOwner: true, sourceShifted: true });
    // The base's own directory gives the cache root its owner and mode, as a copy of it would.
    await chown(aside, base.uid, base.gid);
    await chmod(aside, base.mode & 0o7777);
    await rename(aside, dir).catch((err: unknown) => {
      // Another user of the id made it meanwhile: theirs stays.
      if (!isErrno(err, 'ENOTEMPTY') && !isErrno(err, 'EEXIST')) throw err;
    });
  } finally {
    await rm(aside, { recursive: true, force: true });
  }
}
