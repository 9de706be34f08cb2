// Builds the dashboard's front end (src/ui/web) into dist/ui-web with esbuild: app.js (with
// chunks for the terminal and charts, loaded when a page needs them), app.css, index.html.
// Skipped when the output is newer than every source and package it bundles, so running it
// after each build is cheap. `node dist/src/ui/build-web-bundle.js [--force]`
// (npm run build, scripts/setup.sh).
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WEB_BUNDLE_DIR } from './web-bundle-dir.js';

/** The part of esbuild's API used here (esbuild is a devDependency). */
interface Esbuild {
  build(o: Record<string, unknown>): Promise<{ warnings: unknown[] }>;
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WEB_SRC = join(ROOT, 'src', 'ui', 'web');
const PACKAGES = ['preact', 'htm', 'uplot', '@xterm/xterm'].map((p) => join(ROOT, 'node_modules', p, 'package.json'));
const STAMP = join(WEB_BUNDLE_DIR, 'index.html');

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestSource(p) : st.mtimeMs);
  }
  return newest;
}

/** True when dist/ui-web was built after every source and bundled package last changed. */
export function webBundleIsFresh(): boolean {
  if (!existsSync(STAMP)) return false;
  const built = statSync(STAMP).mtimeMs;
  const inputs = Math.max(newestSource(WEB_SRC), ...PACKAGES.map((p) => (existsSync(p) ? statSync(p).mtimeMs : 0)));
  return built >= inputs;
}

export async function buildWebBundle(force = false): Promise<boolean> {
  if (!force && webBundleIsFresh()) return false;
  const esbuild = createRequire(import.meta.url)('esbuild') as Esbuild;
  rmSync(WEB_BUNDLE_DIR, { recursive: true, force: true });
  mkdirSync(WEB_BUNDLE_DIR, { recursive: true });
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { app: join(WEB_SRC, 'main.ts') },
    outdir: WEB_BUNDLE_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    target: ['es2020'],
    chunkNames: 'chunk-[hash]',
    loader: { '.css': 'css' },
    legalComments: 'none',
    logLevel: 'warning',
  });
  // index.html last: its time stamps the whole bundle.
  copyFileSync(join(WEB_SRC, 'index.html'), STAMP);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildWebBundle(process.argv.includes('--force')).then(
    (built) => console.error(built ? `dashboard built into ${WEB_BUNDLE_DIR}` : 'dashboard bundle is fresh'),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
