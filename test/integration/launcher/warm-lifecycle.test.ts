// What happens around a warm command: its launcher killed, many at once, berthd stopping under it,
// a caller that is not root, and a CLI bundle that changes while workers hold the old one.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCliBundle } from '../../../src/launcher/build-cli-bundle.js';
import { BERTH_LAUNCHER, REPO_ROOT } from '../../support/repo-paths.js';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { launcherRunners, runCaptured, runLauncher, settledWorkers, workerPids, type LauncherOptions, type LauncherRun } from '../../support/warm-cli.js';

const until = async (what: string, check: () => boolean, ms = 10_000): Promise<void> => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50))) if (check()) return;
  assert.fail(`not within ${ms} ms: ${what}`);
};
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** The worker holding the same open file as `pid`'s descriptor 1 (the command's stdout). */
const workerServing = (d: TestDaemon, pid: number): number | undefined => {
  const out = readlinkSync(`/proc/${pid}/fd/1`);
  return workerPids(d).find((w) => readdirSync(`/proc/${w}/fd`).some((fd) => {
    try {
      return readlinkSync(`/proc/${w}/fd/${fd}`) === out;
    } catch {
      return false;
    }
  }));
};
const nobody = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
const NOBODY = nobody.status === 0 ? Number(nobody.stdout.trim()) : undefined;
const NOGROUP = NOBODY === undefined ? undefined : Number(spawnSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).stdout.trim());

describe('warm commands and their workers', () => {
  let d: TestDaemon;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let warm: (args: string[], opts?: LauncherOptions) => Promise<LauncherRun>;

  before(async () => {
    d = await startTestDaemon({ args: ['--cli-workers', '2'] });
    dir = mkdtempSync('/tmp/bwlife-');
    ({ env, warm } = launcherRunners(d, process.env));
    await until('two workers', () => workerPids(d).length >= 2);
  });
  after(async () => {
    await d?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends the command of a launcher killed with SIGKILL, and the pool is whole again', async () => {
    const id = (await warm(['run', '-d', 'busybox', 'sh', '-c', 'while :; do echo tick; sleep 0.1; done'])).stdout.trim();
    const child = spawn(BERTH_LAUNCHER, ['logs', '-f', id], { env: { ...env, BERTH_WARM: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const worker = workerServing(d, child.pid!);
    assert.ok(worker, 'a worker holds the launcher\'s stdout');
    child.kill('SIGKILL');
    await until(`worker ${worker} ends`, () => !alive(worker!), 5000);
    assert.ok((await settledWorkers(d)).length >= 2);
    assert.equal((await warm(['rm', '-f', id])).code, 0);
  });

  it('runs 12 commands at once, queueing for workers, all warm', async () => {
    // One container that every `ps -a` lists, whatever the runs beside it are doing.
    assert.equal((await warm(['create', '--name', 'listed', 'busybox', 'true'])).code, 0);
    const runs = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      i % 3 === 0 ? warm(['run', '--rm', 'busybox', 'echo', `n${i}`]) : warm(['ps', '-a', '--format', `n${i}`])));
    runs.forEach((r, i) => assert.deepEqual({ code: r.code, stderr: r.stderr }, { code: 0, stderr: '' }, `command ${i}`));
    runs.forEach((r, i) => assert.match(r.stdout, new RegExp(`^n${i}$`, 'm')));
    assert.equal((await warm(['rm', 'listed'])).code, 0);
    assert.ok((await settledWorkers(d)).length >= 2);
  });

  it('runs a non-root caller\'s command as that user, then retires the worker', { skip: NOBODY === undefined || process.getuid?.() !== 0 ? 'needs root and a nobody user' : false }, async () => {
    // A group of the caller's owns both sockets (as a `berth` group would), reachable through the dirs.
    const run = join(d.dir, 'run');
    chmodSync(d.dir, 0o711);
    chmodSync(run, 0o711);
    for (const s of [d.socket, d.cliSocket]) chownSync(s, 0, NOGROUP!);
    chmodSync(dir, 0o711);
    const work = join(dir, 'nobody');
    mkdirSync(work);
    chownSync(work, NOBODY!, NOGROUP!);
    const id = (await warm(['run', '-d', 'busybox', 'sh', '-c', 'echo content > /file; sleep 1000'])).stdout.trim();
    const asNobody = (w: string, args: string[]) => runAs(args, { ...env, BERTH_WARM: w, HOME: work }, work);
    const r = await asNobody('1', ['cp', `${id}:/file`, 'copied']);
    assert.deepEqual([r.code, r.stderr], [0, '']);
    assert.equal((await asNobody('1', ['save', '-o', 'saved.tar', 'busybox'])).code, 0);
    for (const f of ['copied', 'saved.tar']) assert.deepEqual([statSync(join(work, f)).uid, statSync(join(work, f)).gid], [NOBODY, NOGROUP], f);
    assert.equal(readFileSync(join(work, 'copied'), 'utf8'), 'content\n');
    // The worker serving it runs as nobody, and is gone once the command is over.
    const long = runAs(['run', '--rm', 'busybox', 'sh', '-c', 'echo started; sleep 1'], { ...env, BERTH_WARM: '1', HOME: work }, work, true);
    await long.started;
    const worker = workerServing(d, long.pid);
    assert.ok(worker);
    assert.match(readFileSync(`/proc/${worker}/status`, 'utf8'), new RegExp(`^Uid:\\s+${NOBODY}\\s`, 'm'));
    assert.equal((await long.done).code, 0);
    await until('the worker that ran as nobody retires', () => !alive(worker!));
    // Without the sockets' group, the same error warm (the launcher starts cold) and cold.
    for (const s of [d.socket, d.cliSocket]) chownSync(s, 0, 0);
    const denied = await asNobody('', ['ps']);
    assert.notEqual(denied.code, 0);
    assert.deepEqual(denied, await asNobody('0', ['ps']));
    assert.equal((await warm(['rm', '-f', id])).code, 0);
  });

  it('ends promptly with a clear message when berthd stops under a warm command', async () => {
    const d2 = await startTestDaemon({ args: ['--cli-workers', '2'] });
    try {
      const { env: env2 } = launcherRunners(d2, process.env);
      await until('two workers', () => workerPids(d2).length >= 2);
      const id = (await runLauncher(['run', '-d', 'busybox', 'sh', '-c', 'while :; do echo tick; sleep 0.1; done'], { env: env2 })).stdout.trim();
      // One command on the API (logs -f) and one waiting on stdin, which berthd's end does not reach.
      const follow = spawnOutcome(['logs', '-f', id], { ...env2, BERTH_WARM: '1' });
      const waiting = spawnOutcome(['login', '--password-stdin', '-u', 'x', '127.0.0.1:1'], { ...env2, BERTH_WARM: '1' });
      await new Promise((r) => setTimeout(r, 1000));
      await d2.stopDaemon();
      const stopped = Date.now();
      for (const outcome of [follow, waiting]) {
        const r = await outcome;
        assert.notEqual(r.code, 0);
        assert.ok(Date.now() - stopped < 5000, `ended ${Date.now() - stopped} ms after berthd`);
        assert.notEqual(r.stderr, '');
      }
      assert.match((await waiting).stderr, /berth: the CLI worker ended without an exit status \(was berthd stopped\?\)/);
    } finally {
      await d2.stop();
    }
  });

  it('never runs an old CLI bundle: a changed one starts cold, and the pool comes back with the new one', async () => {
    // A copy of the built package, its own berthd and launcher: the test rebuilds its bundle.
    const root = join(dir, 'pkg');
    for (const part of ['dist/src', 'bin', 'package.json']) cpSync(join(REPO_ROOT, part), join(root, part), { recursive: true });
    mkdirSync(join(root, 'native', 'build', 'Release'), { recursive: true });
    for (const f of ['berth-launcher', 'berth_sys.node', 'berth-seccomp-agent']) cpSync(join(REPO_ROOT, 'native', 'build', 'Release', f), join(root, 'native', 'build', 'Release', f));
    symlinkSync(realpathSync(join(REPO_ROOT, 'node_modules')), join(root, 'node_modules'));
    const tagline = (text: string): void => {
      const main = join(root, 'dist', 'src', 'cli', 'main.js');
      writeFileSync(main, readFileSync(main, 'utf8').replace(/'A container engine[^']*'/, `'${text}'`));
    };
    tagline('A container engine, first build');
    await buildCliBundle(root);
    const d3 = await startTestDaemon({ args: ['--cli-workers', '2'], berthd: join(root, 'bin', 'berthd'), busybox: false });
    try {
      const { env: env3 } = launcherRunners(d3, process.env);
      // The copy's own launcher: workers take only their own installation's commands.
      const run = (w: string) => runCaptured(join(root, 'native', 'build', 'Release', 'berth-launcher'), ['--help'], { env: { ...env3, BERTH_WARM: w } })
        .then((r) => ({ ...r, stdout: r.stdout.split('\n')[2] }));
      await until('two workers', () => workerPids(d3).length >= 2);
      assert.equal((await run('1')).stdout, 'A container engine, first build');
      // dist/ changes: the bundle no longer matches it; cold runs dist/ itself.
      tagline('A container engine, second build');
      assert.match((await run('1')).stderr, /no warm CLI worker took the command/);
      assert.equal((await run('')).stdout, 'A container engine, second build');
      // The bundle is rebuilt: workers come back with it, and no answer is ever the first build's.
      await buildCliBundle(root);
      const seen: string[] = [];
      for (let i = 0; i < 60 && seen.at(-1) !== 'warm: A container engine, second build'; i++) {
        const w = await run('1');
        seen.push(w.code === 0 ? `warm: ${w.stdout}` : 'cold');
        if (w.code !== 0) assert.equal((await run('')).stdout, 'A container engine, second build');
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(seen.at(-1), 'warm: A container engine, second build', `${seen.join(', ')}\n${d3.logs}`);
      assert.ok(!seen.includes('warm: A container engine, first build'), seen.join(', '));
    } finally {
      await d3.stop();
    }
  });
});

/** The launcher as another user (uid and gid of nobody, no supplementary groups). */
function runAs(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<LauncherRun>;
function runAs(args: string[], env: NodeJS.ProcessEnv, cwd: string, watch: true): { pid: number; started: Promise<void>; done: Promise<LauncherRun> };
function runAs(args: string[], env: NodeJS.ProcessEnv, cwd: string, watch = false): Promise<LauncherRun> | { pid: number; started: Promise<void>; done: Promise<LauncherRun> } {
  const child = spawn(BERTH_LAUNCHER, args, { env, cwd, uid: NOBODY, gid: NOGROUP, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const started = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<LauncherRun>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return watch ? { pid: child.pid!, started, done } : done;
}

/** Starts the launcher with stdin left open; resolves with its outcome. */
function spawnOutcome(args: string[], env: NodeJS.ProcessEnv): Promise<LauncherRun> {
  return new Promise((resolve) => {
    const child = spawn(BERTH_LAUNCHER, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      child.stdin.destroy();
      resolve({ code, signal, stdout, stderr });
    });
  });
}
