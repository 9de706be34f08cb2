// Files berthd writes for a container of a remapped daemon (--userns-remap): owned by the host ids
// the container's root maps to, so root inside can write them (/etc/hosts and the like).
import { chown } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../errors.js';

/** Gives the files `names` under `dir` that exist to the remapped root. */
export async function chownToRemappedRoot(dir: string, names: readonly string[], root: { uid: number; gid: number }): Promise<void> {
  for (const name of names) {
    try {
      await chown(join(dir, name), root.uid, root.gid);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }
}
