// Maps a request path to one of the distribution API's endpoints. Names are checked against the
// spec's grammar here, so nothing further down ever sees an invalid one.
import { isRepositoryName } from './names.js';
import { nameInvalid } from './registry-error.js';

export type Route =
  | { kind: 'base' }
  | { kind: 'catalog' }
  | { kind: 'search' }
  | { kind: 'metrics' }
  | { kind: 'tags'; name: string }
  | { kind: 'manifest'; name: string; ref: string }
  | { kind: 'blob'; name: string; digest: string }
  | { kind: 'uploads'; name: string }
  | { kind: 'upload'; name: string; id: string }
  | { kind: 'referrers'; name: string; digest: string };

const TAGS = /^\/v2\/(.+)\/tags\/list$/;
const UPLOADS = /^\/v2\/(.+)\/blobs\/uploads\/?$/;
const UPLOAD = /^\/v2\/(.+)\/blobs\/uploads\/([^/]+)$/;
const ITEM = /^\/v2\/(.+)\/(manifests|blobs|referrers)\/([^/]+)$/;

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function named(name: string): string {
  if (!isRepositoryName(name)) throw nameInvalid(name);
  return name;
}

/** The endpoint for `path` (no query), or undefined for a path the API does not have. */
export function matchRoute(path: string): Route | undefined {
  if (path === '/v2/' || path === '/v2') return { kind: 'base' };
  if (path === '/v2/_catalog') return { kind: 'catalog' };
  if (path === '/v1/search') return { kind: 'search' };
  if (path === '/metrics') return { kind: 'metrics' };
  if (!path.startsWith('/v2/')) return undefined;
  // Upload paths first: `<name>/blobs/uploads/<id>` is never a blob.
  let m = UPLOAD.exec(path);
  if (m) return { kind: 'upload', name: named(m[1]!), id: decode(m[2]!) };
  if ((m = UPLOADS.exec(path))) return { kind: 'uploads', name: named(m[1]!) };
  if ((m = TAGS.exec(path))) return { kind: 'tags', name: named(m[1]!) };
  if ((m = ITEM.exec(path))) {
    const name = named(m[1]!);
    const last = decode(m[3]!);
    if (m[2] === 'manifests') return { kind: 'manifest', name, ref: last };
    if (m[2] === 'blobs') return { kind: 'blob', name, digest: last };
    return { kind: 'referrers', name, digest: last };
  }
  return undefined;
}
