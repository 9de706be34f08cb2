// The `platform` (history) and `platforms` (rmi) parameters of the image API against berth's
// store, where an image has exactly one platform: asking for another one is docker's not-found.
import { NotFoundError } from '../errors.js';
import type { Platform } from '../oci/image-spec.js';
import { formatPlatform, parsePlatform, platformMatches } from '../oci/platform.js';

/** docker's CLI sends an OCI platform as JSON; `os/arch[/variant]` is taken too. */
export function platformParam(raw: string): Platform {
  if (!raw.startsWith('{')) return parsePlatform(raw);
  const p = JSON.parse(raw) as Platform;
  return { os: p.os ?? '', architecture: p.architecture ?? '', ...(p.variant ? { variant: p.variant } : {}) };
}

/** Throws unless the image (its inspect view) is of one of the platforms asked for. */
export function requireImagePlatform(name: string, image: Record<string, unknown>, wanted: readonly string[]): void {
  if (wanted.length === 0) return;
  const actual: Platform = { os: String(image.Os ?? ''), architecture: String(image.Architecture ?? ''), ...(image.Variant ? { variant: String(image.Variant) } : {}) };
  const asked = wanted.map(platformParam);
  if (asked.some((w) => platformMatches(w, actual))) return;
  throw new NotFoundError(`image with reference ${name} was found but does not match the specified platform: wanted ${asked.map(formatPlatform).join(', ')}, actual: ${formatPlatform(actual)}`);
}
