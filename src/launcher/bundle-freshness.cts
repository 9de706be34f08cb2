// Is the CLI bundle still what dist/ (and node_modules) would run? Sizes and mtimes answer at the
// cost of a stat per input; only a changed mtime costs a read and a hash (tsc rewrites every file
// of dist/ on each build, most of them unchanged).
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_DIR, MANIFEST_FILE, readManifest, sha256Of, writeFileAtomic, type BundleManifest } from './bundle-manifest.cjs';

/** The manifest when every input is unchanged since the bundle was built, else undefined. */
export function freshManifest(root: string): BundleManifest | undefined {
  const manifest = readManifest(root);
  if (!manifest) return undefined;
  let touched = false;
  // Plain concatenation, not path.join: a hundred joins make V8 optimise path's normaliser, which
  // costs a CLI run ~4 MB of peak memory.
  const prefix = root.endsWith('/') ? root : `${root}/`;
  for (const input of manifest.inputs) {
    const [path, size, mtimeMs, sha256] = input;
    const st = statSync(prefix + path, { throwIfNoEntry: false });
    if (!st || st.size !== size) return undefined;
    if (st.mtimeMs === mtimeMs) continue;
    if (sha256Of(readFileSync(prefix + path)) !== sha256) return undefined;
    input[2] = st.mtimeMs;
    touched = true;
  }
  // Same contents, new mtimes: remember them, so the next start is back to stats only.
  if (touched) {
    try {
      writeFileAtomic(join(root, BUNDLE_DIR, MANIFEST_FILE), JSON.stringify(manifest));
    } catch {
      // a read-only tree: hashing again next time is correct, only slower
    }
  }
  return manifest;
}
