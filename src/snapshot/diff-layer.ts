// A layer tar from an overlay upper dir (for commit and build): the upper dir holds exactly the
// changes, with deletions as 0/0 character devices and replaced directories marked opaque;
// those become OCI `.wh.<name>` and `.wh..wh..opq` entries. Deterministic order.
import type { Readable } from 'node:stream';
import { tarTree } from './tar-tree.js';

export function diffLayer(upperDir: string): Readable {
  return tarTree(upperDir, { overlayWhiteouts: true });
}
