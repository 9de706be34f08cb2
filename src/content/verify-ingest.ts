// The one check every blob writer makes before a blob becomes visible: digest and size as expected.
import type { Digest } from '../oci/digest.js';
import { DigestMismatchError } from '../errors.js';

export function verifyIngest(digest: Digest, size: number, want: { digest?: Digest; size?: number }): void {
  if (want.digest && want.digest !== digest) throw new DigestMismatchError(`digest mismatch: expected ${want.digest}, got ${digest}`);
  if (want.size !== undefined && want.size !== size) {
    throw new DigestMismatchError(`size mismatch for ${digest}: expected ${want.size} bytes, got ${size}`);
  }
}
