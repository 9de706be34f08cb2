// `berth` through the native launcher and berthd's warm CLI workers: the same output, exit status,
// stdin, working directory and environment as the CLI started cold, workers reused between
// commands, and a cold start whenever a worker cannot run the command as the launcher would.
// BERTH_WARM=1 proves which way a command went: the launcher fails rather than start cold.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BERTH_LAUNCHER } from '../../support/repo-paths.js';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { launcherRunners, runLauncher, settledWorkers, workerPids, type LauncherRun, type LauncherOptions } from '../../support/warm-cli.js';

describe('the warm CLI (native launcher → berthd workers)', () => {
  let d: TestDaemon;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let warm: (args: string[], opts?: LauncherOptions) => Promise<LauncherRun>;
  let cold: (args: string[], opts?: LauncherOptions) => Promise<LauncherRun>;
  const ok = (stdout: string): LauncherRun => ({ code: 0, signal: null, stdout, stderr: '' });

  before(async () => {
    d = await startTestDaemon({ args: ['--cli-workers', '2'] });
    dir = mkdtempSync('/tmp/bwarm-');
    ({ env, warm, cold } = launcherRunners(d, { ...process.env, DOCKER_CONFIG: dir }));
    // Workers start after the API: wait for both.
    for (let i = 0; i < 100 && workerPids(d).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
  });
  after(async () => {
    await d?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers as the cold CLI does: output, errors and exit status', async () => {
    for (const args of [['ps', '-a'], ['images', '--format', '{{.Repository}}'], ['nosuch'], ['ps', '--bogus'], ['inspect', 'missing'], ['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2; exit 3']]) {
      const [w, c] = [await warm(args), await cold(args)];
      assert.deepEqual(w, c, args.join(' '));
    }
  });

  it('reuses a worker for commands that leave nothing behind', async () => {
    const before = await settledWorkers(d);
    for (let i = 0; i < 4; i++) assert.equal((await warm(['ps', '-q'])).code, 0);
    assert.deepEqual(workerPids(d), before);
  });

  it('reads stdin, and a worker that read it is replaced', async () => {
    const r = await warm(['run', '-i', '--rm', 'busybox', 'cat'], { input: 'through stdin\n' });
    assert.deepEqual(r, ok('through stdin\n'));
    const again = await warm(['run', '-i', '--rm', 'busybox', 'cat'], { input: 'second\n' });
    assert.equal(again.stdout, 'second\n');
  });

  it('takes the launcher\'s working directory and environment', async () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    writeFileSync(join(cwd, 'vars.env'), 'FROM_FILE=1\n');
    const r = await warm(['run', '--rm', '--env-file', 'vars.env', '-e', 'FROM_ENV', 'busybox', 'sh', '-c', 'echo $FROM_FILE $FROM_ENV'], { cwd, env: { FROM_ENV: 'yes' } });
    assert.deepEqual(r, ok('1 yes\n'));
    // The next command in the same worker sees its own environment, not the last one's.
    const r2 = await warm(['run', '--rm', '-e', 'FROM_ENV', 'busybox', 'sh', '-c', 'echo "[$FROM_ENV]"']);
    assert.equal(r2.stdout, '[]\n');
  });

  it('starts cold when a worker must not run the command', async () => {
    // BERTH_BUNDLE=0 asks for dist/ itself: the worker declines.
    const r = await warm(['ps'], { env: { BERTH_BUNDLE: '0' } });
    assert.equal(r.code, 127);
    assert.match(r.stderr, /no warm CLI worker took the command/);
    const c = await cold(['ps'], { env: { BERTH_BUNDLE: '0' } });
    assert.equal(c.code, 0, c.stderr);
    // No socket: cold.
    const none = await runLauncher(['ps', '-q'], { env: { ...env, BERTH_CLI_SOCKET: join(dir, 'none.sock') } });
    assert.deepEqual(none, ok(''));
  });

  it('dies of a signal the command does not handle, as a CLI of its own would', async () => {
    const id = (await warm(['run', '-d', 'busybox', 'sh', '-c', 'while true; do echo tick; sleep 0.2; done'])).stdout.trim();
    const child = spawn(BERTH_LAUNCHER, ['logs', '-f', id], { env: { ...env, BERTH_WARM: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    const done = new Promise<string | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGINT');
    assert.equal(await done, 'SIGINT');
    assert.equal((await warm(['rm', '-f', id])).code, 0);
  });

  it('leaves the pool whole: a worker stays ready after all of the above', async () => {
    for (let i = 0; i < 50 && workerPids(d).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(workerPids(d).length >= 2);
  });
});

