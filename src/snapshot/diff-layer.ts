// A layer tar from an overlay upper dir (for commit and build): the upper dir holds exactly the
// changes, with deletions as 0/0 character devices and replaced directories marked opaque;
// those become OCI `.wh.<name>` and `.wh..wh..opq` entries. Deterministic order.
import type { Readable } from 'node:stream';
import type { IdMap } from '../oci/id-map.js';
import { tarTree } from './tar-tree.js';

/** `idMap`: the tree is a remapped store's; ids are written as the container sees them. */
export function diffLayer(upperDir: string, opts: { idMap?: IdMap } = {}): Readable {
  return tarTree(upperDir, { overlayWhiteouts: true, ...opts });
}
