// Runs the CLI bundle as a CommonJS module, compiled with a V8 code cache (Node 20 has no
// module.enableCompileCache): the cache is made at the exit of the first run after a build, from
// the functions that run compiled, and used by every later run.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { BUNDLE_DIR, BUNDLE_FILE, writeFileAtomic, type BundleManifest } from './bundle-manifest.cjs';

/** The code cache's file: V8 checks only the source's length, so the name carries its hash. */
export function codeCachePath(root: string, manifest: BundleManifest): string {
  return join(root, BUNDLE_DIR, `berth.${manifest.bundleSha256.slice(0, 16)}.${process.version}-${process.arch}.v8cache`);
}

/** Evaluates the bundle and returns its exports. */
export function runBundle(root: string, manifest: BundleManifest): unknown {
  const filename = join(root, BUNDLE_DIR, BUNDLE_FILE);
  const cachePath = codeCachePath(root, manifest);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cachePath);
  } catch {
    // first run after a build
  }
  // The bundle is ASCII and already wrapped (build-cli-bundle.ts): latin1 makes no second copy.
  const script = new Script(readFileSync(filename, 'latin1'), { filename, ...(cachedData ? { cachedData } : {}) });
  if (!cachedData || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        writeFileAtomic(cachePath, script.createCachedData());
      } catch {
        // a read-only tree: compile from source each time
      }
    });
  }
  const mod = { exports: {} as unknown };
  (script.runInThisContext() as (...args: unknown[]) => void).call(mod.exports, mod.exports, require, mod, filename, dirname(filename));
  return mod.exports;
}
