// A tar of a whole root filesystem (a mounted container rootfs) for `docker export`. Filesystems
// mounted inside it are not descended into.
import type { Readable } from 'node:stream';
import { tarTree } from './tar-tree.js';

export function exportRootfs(rootfs: string): Readable {
  return tarTree(rootfs, { overlayWhiteouts: false });
}
