// Picks the manifest for a platform out of a manifest list / OCI index, as docker does: same OS
// and architecture, the variant matching (with each architecture's default variant filled in),
// attestation entries (`unknown/unknown`) never chosen.
import { NotFoundError } from '../../errors.js';
import type { Descriptor, ImageIndex, Platform } from '../../oci/image-spec.js';
import { formatPlatform } from '../../oci/platform.js';

const DEFAULT_VARIANT: Record<string, string> = { arm64: 'v8', arm: 'v7', amd64: 'v1' };

function normalizeVariant(p: Platform): string | undefined {
  return p.variant || DEFAULT_VARIANT[p.architecture];
}

/** The best entry for `want`, or undefined. Exact variant wins; a missing variant counts as the default. */
export function selectManifest(index: ImageIndex, want: Platform): Descriptor | undefined {
  let fallback: Descriptor | undefined;
  const wantVariant = normalizeVariant(want);
  for (const d of index.manifests) {
    const p = d.platform;
    if (!p || p.os === 'unknown' || p.architecture === 'unknown') continue;
    if (p.os !== want.os || p.architecture !== want.architecture) continue;
    const v = normalizeVariant(p);
    if (v === wantVariant) return d;
    // arm64 hosts run any arm64 image; other variants must match when both sides name one.
    if (!fallback && (!want.variant || !p.variant || want.architecture === 'arm64')) fallback = d;
  }
  return fallback;
}

export function noMatchingManifest(want: Platform): NotFoundError {
  return new NotFoundError(`no matching manifest for ${formatPlatform(want)} in the manifest list entries`);
}
