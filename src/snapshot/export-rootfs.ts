// A tar of a whole root filesystem (a mounted container rootfs) for `docker export`. Filesystems
// mounted inside it are not descended into.
import type { Readable } from 'node:stream';
import type { IdMap } from '../oci/id-map.js';
import { tarTree } from './tar-tree.js';

/** `idMap`: the tree is a remapped store's; ids are written as the container sees them. */
export function exportRootfs(rootfs: string, opts: { idMap?: IdMap } = {}): Readable {
  return tarTree(rootfs, { overlayWhiteouts: false, ...opts });
}
