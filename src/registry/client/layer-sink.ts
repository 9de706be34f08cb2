// What a pull unpacks layers into; the image store provides it (snapshots), tests use a directory.
import type { Readable } from 'node:stream';
import type { Digest } from '../../oci/digest.js';
import type { Descriptor } from '../../oci/image-spec.js';

export interface LayerSink {
  /** Called once the image config is known, with its diffIDs in order (before `has`). */
  begin?(diffIds: Digest[]): Promise<void> | void;
  /** Whether the layer with this diffID is already unpacked ("Already exists": not downloaded). */
  has(diffId: Digest): Promise<boolean>;
  /**
   * Consumes a layer's uncompressed tar stream. The stream ends cleanly only after the puller has
   * verified both the compressed digest and the diffID; if it errors instead, the sink must discard
   * what it wrote. So: read to the end, and make the layer visible only after 'end'.
   */
  unpack(desc: Descriptor, diffId: Digest, uncompressed: Readable): Promise<void>;
  /**
   * True when `unpack` itself hashes the tar and refuses (commits nothing) unless it matches
   * `diffId`: the puller then skips its own pass over the uncompressed bytes. The compressed
   * digest is still checked by the puller before the stream ends.
   */
  readonly verifiesDiffId?: boolean;
}
