// Every kind of command, warm (a berthd worker) and cold (`node bin/berth`): the same stdout,
// stderr and exit status, and the same files written where the caller's working directory, umask,
// HOME and stdin say. Each pair runs the launcher with BERTH_WARM=1 (fails rather than start cold)
// and BERTH_WARM=0.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BERTH_LAUNCHER } from '../../support/repo-paths.js';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { launcherRunners, runCaptured, workerPids, type LauncherOptions, type LauncherRun } from '../../support/warm-cli.js';

describe('warm and cold CLI, side by side', () => {
  let d: TestDaemon;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let warm: (args: string[], opts?: LauncherOptions) => Promise<LauncherRun>;
  let cold: (args: string[], opts?: LauncherOptions) => Promise<LauncherRun>;
  let ctr: string;
  /** Runs `script` under sh with $L the launcher and $W the mode: umask, redirections, raw bytes. */
  const shell = (w: '0' | '1', script: string, opts: LauncherOptions = {}): Promise<LauncherRun> =>
    runCaptured('sh', ['-c', script], { ...opts, env: { ...env, L: BERTH_LAUNCHER, BERTH_WARM: w, W: w === '1' ? 'w' : 'c', ...opts.env } });
  const same = async (args: string[], opts: LauncherOptions = {}): Promise<LauncherRun> => {
    const w = await warm(args, opts);
    const c = await cold(args, opts);
    assert.deepEqual(w, c, args.join(' '));
    return w;
  };

  before(async () => {
    d = await startTestDaemon({ args: ['--cli-workers', '2'] });
    dir = mkdtempSync('/tmp/bparity-');
    ({ env, warm, cold } = launcherRunners(d, { ...process.env, HOME: dir, DOCKER_CONFIG: '' }));
    delete env.DOCKER_CONFIG;
    for (let i = 0; i < 100 && workerPids(d).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    ctr = (await warm(['run', '-d', '--name', 'parity', 'busybox', 'sh', '-c', 'mkdir /data; echo inside > /data/file; sleep 1000'])).stdout.trim();
    assert.match(ctr, /^[0-9a-f]{64}$/);
  });
  after(async () => {
    await d?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints the same help, flag errors, unknown-command errors and completion scripts', async () => {
    for (const args of [['--help'], ['run', '--help'], ['image'], ['compose', '--help'], ['--bogus'], ['ps', '--bogus'],
      ['nosuch'], ['container', 'nosuch'], ['inspect'], ['completion', 'bash'], ['completion', 'zsh'], ['--version']]) {
      await same(args);
    }
  });

  it('answers events --since/--until, stats --no-stream and formats alike', async () => {
    const until = String(Math.ceil(Date.now() / 1000) + 1);
    await new Promise((r) => setTimeout(r, 1100));
    const events = await same(['events', '--since', '0', '--until', until, '--format', '{{.Type}} {{.Action}} {{.Actor.ID}}']);
    assert.match(events.stdout, new RegExp(`container start ${ctr}`));
    await same(['stats', '--no-stream', '--format', '{{.Name}} {{.ID}}']);
    await same(['ps', '--format', '{{.Names}} {{.Command}}', '--no-trunc']);
    await same(['version', '--format', '{{.Client.Version}} {{.Server.ApiVersion}}']);
  });

  it('resolves compose, kube and build paths from the caller\'s working directory', async () => {
    const proj = join(dir, 'proj');
    mkdirSync(join(proj, 'sub'), { recursive: true });
    writeFileSync(join(proj, 'compose.yaml'), 'services:\n  a:\n    image: busybox\n    env_file: vars.env\n');
    writeFileSync(join(proj, 'vars.env'), 'FROM_FILE=1\n');
    writeFileSync(join(proj, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: parity-pod}\nspec:\n  containers:\n  - {name: c, image: busybox, command: [sleep, "1000"]}\n');
    writeFileSync(join(proj, 'Dockerfile'), 'FROM busybox\nCOPY f /f\n');
    writeFileSync(join(proj, 'sub', 'Other'), 'FROM busybox\nCOPY f /g\n');
    writeFileSync(join(proj, 'f'), 'context file\n');
    const config = await same(['compose', 'config'], { cwd: proj });
    assert.match(config.stdout, /FROM_FILE: "1"/);
    await same(['compose', '-f', 'proj/compose.yaml', 'config'], { cwd: dir });
    await same(['compose', '--project-directory', 'proj', 'config'], { cwd: dir });
    await same(['compose', '-f', 'nosuch.yaml', 'config'], { cwd: proj });
    for (const run of [warm, cold]) {
      const play = await run(['kube', 'play', 'pod.yaml'], { cwd: proj });
      assert.equal(play.code, 0, play.stderr);
      assert.equal((await run(['kube', 'down', 'pod.yaml'], { cwd: proj })).code, 0);
    }
    await same(['kube', 'play', 'nosuch.yaml'], { cwd: proj });
    const built = await same(['build', '-q', '.'], { cwd: proj });
    assert.match(built.stdout, /^sha256:/);
    await same(['build', '-q', '-f', 'sub/Other', '.'], { cwd: proj });
    await same(['build', '-q', 'nosuch'], { cwd: proj });
  });

  it('writes and reads files where the caller is, with its umask: cp, save, load, export, import', async () => {
    const work = join(dir, 'files');
    mkdirSync(work);
    writeFileSync(join(work, 'local'), 'from the host\n');
    const script = [
      'umask 027',
      '$L cp parity:/data/file out-$W || exit 10',
      '$L cp parity:/data dir-$W || exit 11',
      '$L cp local parity:/tmp/local-$W || exit 12',
      '$L save -o saved-$W.tar busybox || exit 13',
      '$L load -i saved-$W.tar || exit 14',
      '$L export parity > exported-$W.tar || exit 15',
      '$L import - imported-$W < exported-$W.tar > /dev/null || exit 16',
      '$L exec parity cat /tmp/local-$W',
      '$L save -o /nonexistent/x.tar busybox 2>&1 | sed "s/save-[0-9]*/save-N/"',
    ].join('\n');
    const w = await shell('1', script, { cwd: work });
    const c = await shell('0', script, { cwd: work });
    assert.deepEqual(w, c);
    assert.equal(w.code, 0, w.stderr);
    // Names and modes (the export's size follows the container, which the warm run's cp changed).
    const seen = (suffix: string) => tree(work).filter(([p]) => p.includes(`-${suffix}`)).map(([p, mode]) => [p.replace(`-${suffix}`, ''), mode]);
    assert.deepEqual(seen('w'), seen('c'));
    assert.deepEqual(seen('w').find(([p]) => p === 'saved.tar')?.[1], 0o640);
    assert.deepEqual(readFileSync(join(work, 'saved-w.tar')), readFileSync(join(work, 'saved-c.tar')));
    assert.equal(readFileSync(join(work, 'out-w'), 'utf8'), 'inside\n');
    assert.equal((await warm(['images', '-q', 'imported-w'])).stdout.length > 0, true);
  });

  it('reads stdin for login --password-stdin and writes contexts under the caller\'s HOME', async () => {
    for (const home of ['home-w', 'home-c']) mkdirSync(join(dir, home));
    const script = [
      'umask 077',
      'echo secret | $L login --password-stdin -u bob 127.0.0.1:1',
      '$L context create ctx1 --docker host=unix:///nowhere.sock',
      '$L context use ctx1',
      '$L context ls --format "{{.Name}} {{.Current}}"',
      'DOCKER_CONFIG=$HOME/elsewhere $L context create ctx2 --docker host=unix:///x.sock',
    ].join('\n');
    const w = await shell('1', script, { env: { HOME: join(dir, 'home-w') } });
    const c = await shell('0', script, { env: { HOME: join(dir, 'home-c') } });
    assert.deepEqual(w, c);
    assert.match(w.stdout, /^ctx1 false\ndefault true$/m);
    assert.deepEqual(tree(join(dir, 'home-w')), tree(join(dir, 'home-c')));
    assert.ok(tree(join(dir, 'home-w')).some(([p]) => p.startsWith('elsewhere/contexts/meta/')));
  });

  it('passes a 200 KB environment, a long argument list, newlines and non-UTF-8 bytes as node would', async () => {
    const big: NodeJS.ProcessEnv = {};
    for (let i = 0; i < 100; i++) big[`PARITY_${i}`] = 'y'.repeat(2000);
    const args = Array.from({ length: 20000 }, (_, i) => String(i));
    const r = await same(['run', '--rm', '-e', 'PARITY_99', 'busybox', 'sh', '-c', 'echo ${#PARITY_99} $#', 'sh', ...args], { env: big });
    assert.equal(r.stdout, '2000 20000\n');
    // Raw bytes through sh (node would encode a string argument as UTF-8).
    const script = `$L run --rm -e "RAW=$(printf 'a\\377b')" busybox sh -c 'printf "%s|" "$@" "$RAW"' x "$(printf 'line1\\nline2')" "$(printf '\\377\\376')" "$(printf 'caf\\303\\251')" "$(printf '\\303')"`;
    const w = await shell('1', script);
    const c = await shell('0', script);
    assert.deepEqual(w, c);
    assert.equal(w.stdout, 'line1\nline2|\ufffd\ufffd|café|\ufffd|a\ufffdb|');
  });
});

/** Files and directories under `root`: relative path, permission bits, size (0 for directories). */
function tree(root: string): Array<[string, number, number]> {
  const out: Array<[string, number, number]> = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      out.push([relative(root, p), st.mode & 0o7777, st.isDirectory() ? 0 : st.size]);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out;
}
