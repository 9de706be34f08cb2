// The store of a daemon started with --userns-remap, as docker keeps it: images, layers, containers
// and volumes under <data-root>/<uid>.<gid> (the remapped root's host ids), apart from the store of
// an unremapped daemon, since layers there are unpacked with shifted owners. The container's
// processes run as the remapped root, so the way to their rootfs and to the files bound into it
// must be searchable by it: the roots get o+x, and a parent that blocks it stops the start.
import { chmodSync, chownSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { UsernsRemap } from '../runtime/user/userns-remap.js';

function searchableByOthers(path: string): boolean {
  return (statSync(path).mode & 0o001) !== 0;
}

/** Makes the remapped store and returns its path. */
export function prepareRemappedRoot(dataRoot: string, execRoot: string, remap: UsernsRemap): string {
  for (const root of [dataRoot, execRoot]) {
    const st = statSync(root);
    if ((st.mode & 0o001) === 0) chmodSync(root, (st.mode & 0o7777) | 0o011);
    for (let dir = dirname(root); ; dir = dirname(dir)) {
      if (!searchableByOthers(dir)) {
        throw new InvalidArgumentError(
          `a subdirectory in your graphroot path (${root}) restricts access to the remapped root uid/gid; please fix by allowing 'o+x' permissions on existing directories`,
        );
      }
      if (dir === '/') break;
    }
  }
  const store = join(dataRoot, `${remap.root.uid}.${remap.root.gid}`);
  mkdirSync(store, { recursive: true, mode: 0o710 });
  chownSync(store, 0, remap.root.gid);
  chmodSync(store, 0o710);
  return store;
}
