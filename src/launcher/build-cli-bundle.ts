// Builds the CLI bundle from dist/ (after tsc): one CommonJS file with every module `berth` can
// load, its manifest of inputs for the launcher's freshness check, and a first run that leaves
// the V8 code cache. `node dist/src/launcher/build-cli-bundle.js` (scripts/setup.sh, npm run build).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BUNDLE_DIR, BUNDLE_FILE, MANIFEST_FILE, WRAPPER_HEAD, inputOf, sha256Of, writeFileAtomic, type BundleManifest } from './bundle-manifest.cjs';

/** The part of esbuild's API used here (esbuild is a devDependency; its types are not needed to build). */
interface EsbuildPlugin {
  name: string;
  setup(build: {
    onLoad(o: { filter: RegExp }, cb: (args: { path: string }) => { contents: string; loader: 'js' } | undefined): void;
  }): void;
}
interface Esbuild {
  build(o: Record<string, unknown> & { plugins: EsbuildPlugin[] }): Promise<{
    outputFiles: { text: string }[];
    metafile: { inputs: Record<string, unknown> };
    warnings: unknown[];
  }>;
}

// The registry commands (commander, the registry server) are not in it: main.ts loads them from
// dist/ by URL through the launcher's import().
const ENTRY = join('dist', 'src', 'cli', 'main.js');

/**
 * `import.meta.url` has no meaning in a CommonJS bundle: each module gets the URL it has in dist/,
 * computed from the bundle's own directory, so paths made from it (package.json, bin/berthd, the
 * native addon) stay right.
 */
function importMetaPlugin(root: string): EsbuildPlugin {
  const bundleDir = join(root, BUNDLE_DIR);
  return {
    name: 'import-meta-url',
    setup(build) {
      build.onLoad({ filter: /[\\/]dist[\\/]src[\\/].*\.js$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta')) return undefined;
        const rel = relative(bundleDir, args.path);
        const url = `require("node:url").pathToFileURL(require("node:path").join(__dirname, ${JSON.stringify(rel)})).href`;
        const contents = text.replaceAll('import.meta.url', `(${url})`);
        if (contents.includes('import.meta')) throw new Error(`${args.path}: only import.meta.url can be bundled`);
        return { contents, loader: 'js' };
      });
    },
  };
}

export async function buildCliBundle(root: string): Promise<BundleManifest> {
  const esbuild = createRequire(import.meta.url)('esbuild') as Esbuild;
  const dir = join(root, BUNDLE_DIR);
  mkdirSync(dir, { recursive: true });
  // The old manifest goes first: while the new bundle is written the launcher takes dist/.
  rmSync(join(dir, MANIFEST_FILE), { force: true });
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // import() is unavailable in a vm.Script: builtins imported lazily become require()s.
    supported: { 'dynamic-import': false },
    write: false,
    outfile: join(dir, BUNDLE_FILE),
    metafile: true,
    logLevel: 'error',
    // The file is the function the launcher calls (run-bundle.cts): compiled as it is on disk,
    // with no second copy of the source made by wrapping it at start-up.
    banner: { js: WRAPPER_HEAD },
    footer: { js: '})' },
    minifyWhitespace: true,
    minifySyntax: true,
    plugins: [importMetaPlugin(root)],
  });
  // Pure ASCII, so V8 keeps the source as one byte per character (esbuild leaves regex literals as
  // written); \uXXXX means the same in strings, templates, regexes and identifiers.
  const code = result.outputFiles[0]!.text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (!code.startsWith(WRAPPER_HEAD)) throw new Error('the bundle does not start with its wrapper');
  const dynamicImport = /[^.\w$]import\(/.exec(code);
  if (dynamicImport) throw new Error(`the bundle keeps an import(): …${code.slice(dynamicImport.index - 60, dynamicImport.index + 40)}…`);
  writeFileAtomic(join(dir, BUNDLE_FILE), code);
  // Code caches of earlier bundles (and any half-written one) go with them.
  for (const f of readdirSync(dir)) if (f.includes('.v8cache')) rmSync(join(dir, f), { force: true });
  const manifest: BundleManifest = {
    bundleSha256: sha256Of(code),
    inputs: Object.keys(result.metafile.inputs).sort().map((p) => inputOf(root, p)),
  };
  writeFileAtomic(join(dir, MANIFEST_FILE), JSON.stringify(manifest));
  return manifest;
}

/** Runs the bundle once (this also writes its code cache) and checks it answers like the CLI. */
export function checkBundle(root: string): void {
  const r = spawnSync(process.execPath, [join(root, 'bin', 'berth'), 'ps'], {
    encoding: 'utf8',
    env: { ...process.env, BERTH_HOST: 'unix:///nonexistent/berth-bundle-check.sock' },
  });
  if (!/Cannot connect to the berth daemon/.test(r.stderr)) {
    rmSync(join(root, BUNDLE_DIR, MANIFEST_FILE), { force: true });
    throw new Error(`the CLI bundle does not run (exit ${r.status}): ${r.stderr}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  buildCliBundle(root).then(
    (m) => {
      checkBundle(root);
      console.log(`CLI bundle: ${join(BUNDLE_DIR, BUNDLE_FILE)} from ${m.inputs.length} files`);
    },
    (err: unknown) => {
      console.error(`build-cli-bundle: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
