// The contract between the CLI bundle's build (build-cli-bundle.ts) and the launcher: where the
// bundle lives and the manifest of the files it was built from, so a stale bundle is never run.
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Under the package root. */
export const BUNDLE_DIR = join('dist', 'bundle');
export const BUNDLE_FILE = 'berth.cjs';
export const MANIFEST_FILE = 'berth.inputs.json';

/** The bundle is one CommonJS module's function: this opens it (esbuild's banner), `})` closes it. */
export const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';

/** One input: path from the package root, size, mtime (ms) and sha256 of its content when bundled. */
export type BundleInput = [path: string, size: number, mtimeMs: number, sha256: string];

export interface BundleManifest {
  /** sha256 of the bundle: names its V8 code cache, which V8 itself checks only by length. */
  bundleSha256: string;
  inputs: BundleInput[];
}

export function sha256Of(data: Buffer | string): string {
  // node:crypto only when an mtime changed: the fresh path should not pay for loading it.
  const { createHash } = require('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(data).digest('hex');
}

/** Describes a file as an input of the bundle now. */
export function inputOf(root: string, path: string): BundleInput {
  const data = readFileSync(join(root, path));
  return [path, data.length, statSync(join(root, path)).mtimeMs, sha256Of(data)];
}

/** Writes a file whole or not at all (several CLI processes may write at once). */
export function writeFileAtomic(path: string, data: Buffer | string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export function readManifest(root: string): BundleManifest | undefined {
  try {
    return JSON.parse(readFileSync(join(root, BUNDLE_DIR, MANIFEST_FILE), 'utf8')) as BundleManifest;
  } catch {
    return undefined;
  }
}
