// bin/berth runs the CLI bundle only while it matches dist/: built into a copy of the package, the
// bundle answers --help and version; an input whose content changed sends the launcher to dist/,
// one only touched (tsc rewrites every file) does not.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildCliBundle, checkBundle } from '../../../src/launcher/build-cli-bundle.js';
import { freshManifest } from '../../../src/launcher/bundle-freshness.cjs';
import { BUNDLE_DIR, BUNDLE_FILE, readManifest } from '../../../src/launcher/bundle-manifest.cjs';

const ROOT = resolve(import.meta.dirname, '../../../..');
const TAGLINE = 'A container engine that speaks the Docker Engine API';
const NO_DAEMON = 'unix:///nonexistent/berth-launcher-test.sock';

function esbuildMissing(): string | false {
  try {
    createRequire(join(ROOT, 'dist', 'src', 'launcher', 'x.js')).resolve('esbuild');
    return false;
  } catch {
    return 'esbuild (a devDependency) is not installed';
  }
}

describe('the CLI bundle and its launcher', { skip: esbuildMissing() }, () => {
  let root: string;
  const berth = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [join(root, 'bin', 'berth'), ...args], { encoding: 'utf8', env: { ...process.env, BERTH_HOST: NO_DAEMON, ...env } });

  before(async () => {
    // A copy of the built package: the test edits dist/ and the bundle freely.
    root = mkdtempSync(join(tmpdir(), 'berth-bundle-'));
    cpSync(join(ROOT, 'dist', 'src'), join(root, 'dist', 'src'), { recursive: true });
    cpSync(join(ROOT, 'bin'), join(root, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(root, 'package.json'));
    symlinkSync(realpathSync(join(ROOT, 'node_modules')), join(root, 'node_modules'));
    await buildCliBundle(root);
    checkBundle(root);
  });

  after(() => rmSync(root, { recursive: true, force: true }));

  it('answers --help and version from the bundle', () => {
    assert.ok(freshManifest(root), 'the bundle is fresh right after its build');
    const bundle = join(root, BUNDLE_DIR, BUNDLE_FILE);
    writeFileSync(bundle, readFileSync(bundle, 'latin1').replace(TAGLINE, 'Answered by the bundle'), 'latin1');
    const help = berth(['--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: {2}berth \[OPTIONS\] COMMAND\n\nAnswered by the bundle\n/);
    assert.match(help.stdout, /\n {2}ps {10}List containers\n/);
    const version = berth(['version', '--format', '{{.Client.Version}} {{.Client.ApiVersion}}']);
    assert.match(version.stdout, /^0\.\d+\.\d+ 1\.47\n/);
    assert.match(version.stderr, /Cannot connect to the berth daemon/);
    const run = berth(['run', '--rm', 'busybox', 'true']);
    assert.equal(run.status, 125);
    assert.match(run.stderr, /Cannot connect to the berth daemon/);
  });

  it('keeps using the bundle when an input is rewritten unchanged, and notes its new mtime', () => {
    const main = join(root, 'dist', 'src', 'cli', 'main.js');
    const later = new Date(Date.now() + 5000);
    utimesSync(main, later, later);
    assert.match(berth(['--help']).stdout, /Answered by the bundle/);
    const entry = readManifest(root)!.inputs.find(([p]) => p === 'dist/src/cli/main.js')!;
    assert.equal(entry[2], statSync(main).mtimeMs);
  });

  it('runs dist/ when an input changed since the bundle was built, or when BERTH_BUNDLE=0', () => {
    assert.match(berth(['--help'], { BERTH_BUNDLE: '0' }).stdout, new RegExp(TAGLINE));
    const main = join(root, 'dist', 'src', 'cli', 'main.js');
    writeFileSync(main, readFileSync(main, 'utf8').replace(TAGLINE, 'Answered by dist'));
    assert.equal(freshManifest(root), undefined);
    const help = berth(['--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /\n\nAnswered by dist\n/);
  });

  it('runs the registry commands, which stay outside the bundle', () => {
    const r = berth(['registry', '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Run an OCI distribution registry/);
  });
});
