// The warm CLI in a shell's pipes and in a terminal, as the cold CLI and docker's behave: a reader
// that goes away ends the command at once as SIGPIPE (exit status 141 in the shell), the pipes'
// file flags are as the shell left them, and under a terminal (util-linux `script`) a container
// with -t sees the caller's size and its changes, Ctrl-C reaches it, and the mode is restored.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { BERTH_LAUNCHER } from '../../support/repo-paths.js';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { launcherRunners, runCaptured, workerPids, type LauncherRun } from '../../support/warm-cli.js';

const O_NONBLOCK = 0o4000;
const noScript = spawnSync('script', ['--version']).status === 0 ? false : 'util-linux script is not installed';

describe('the warm CLI in pipes and terminals', () => {
  let d: TestDaemon;
  let env: NodeJS.ProcessEnv;
  let chatty: string;
  const bash = (w: '0' | '1', script: string): Promise<LauncherRun> =>
    runCaptured('bash', ['-c', script], { env: { ...env, L: BERTH_LAUNCHER, BERTH_WARM: w }, timeoutMs: 20_000 });

  before(async () => {
    d = await startTestDaemon({ args: ['--cli-workers', '2'] });
    let warm;
    ({ env, warm } = launcherRunners(d, process.env));
    for (let i = 0; i < 100 && workerPids(d).length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    chatty = (await warm(['run', '-d', 'busybox', 'sh', '-c', 'while :; do echo line; usleep 5000; done'])).stdout.trim();
    assert.match(chatty, /^[0-9a-f]{64}$/);
  });
  after(async () => {
    await d?.stop();
  });

  it('dies of SIGPIPE at once when the reader goes away, warm and cold', async () => {
    for (const w of ['1', '0'] as const) {
      // The reader is gone before the command writes (`true` exits at once), or goes after one line.
      for (const cmd of [`$L logs -f ${chatty} | head -1`, '{ sleep 0.3; $L ps; } | true', '{ sleep 0.3; $L --help; } | true', '{ sleep 0.3; $L nosuch 2>&1; } | true']) {
        const started = Date.now();
        const r = await bash(w, `${cmd} > /dev/null; echo "status \${PIPESTATUS[0]}"`);
        assert.equal(r.stdout, 'status 141\n', `BERTH_WARM=${w} ${cmd}: ${r.stderr}`);
        assert.equal(r.stderr, '');
        assert.ok(Date.now() - started < 10_000, `BERTH_WARM=${w} ${cmd} took ${Date.now() - started} ms`);
      }
    }
  });

  it('leaves the shell\'s pipes with the flags they had (no O_NONBLOCK)', async () => {
    const script = [
      '{ $L ps -q; grep flags /proc/self/fdinfo/1; } | cat',
      'echo in | { $L run -i --rm busybox cat; grep flags /proc/self/fdinfo/0; }',
    ].join('\n');
    for (const w of ['1', '0'] as const) {
      const r = await bash(w, script);
      assert.equal(r.code, 0, r.stderr);
      const flags = [...r.stdout.matchAll(/^flags:\s+(\d+)$/gm)].map((m) => parseInt(m[1]!, 8));
      assert.equal(flags.length, 2, r.stdout);
      for (const f of flags) assert.equal(f & O_NONBLOCK, 0, `BERTH_WARM=${w}: flags ${f.toString(8)}`);
      assert.match(r.stdout, /^in$/m);
    }
  });

  it('gives a -t container the terminal\'s size and its changes, and restores the mode', { skip: noScript }, async () => {
    for (const w of ['1', '0'] as const) {
      const t = inTerminal(`stty rows 30 cols 90; before=$(stty -g); tty; BERTH_WARM=${w} $L run -it --rm busybox sh -c 'stty size; read x; stty size'; echo "status $?"; [ "$(stty -g)" = "$before" ] && echo mode-restored`, { ...env, L: BERTH_LAUNCHER });
      const pty = (await t.waitFor(/^(\/dev\/pts\/\d+)\r?$/m))[1]!;
      await t.waitFor(/30 90/);
      // A resize of the terminal: the kernel sends SIGWINCH to its foreground group (the launcher).
      assert.equal(spawnSync('stty', ['-F', pty, 'rows', '40', 'cols', '120']).status, 0);
      await new Promise((r) => setTimeout(r, 500));
      t.write('\r');
      await t.waitFor(/40 120/);
      await t.waitFor(/status 0/);
      await t.waitFor(/mode-restored/);
      t.close();
    }
  });

  it('sends Ctrl-C to a -it container, as docker does', { skip: noScript }, async () => {
    for (const w of ['1', '0'] as const) {
      const t = inTerminal(`before=$(stty -g); BERTH_WARM=${w} $L run -it --rm busybox sh -c 'trap "echo got-INT; exit 7" INT; echo ready; while :; do sleep 0.1; done'; echo "status $?"; [ "$(stty -g)" = "$before" ] && echo mode-restored`, { ...env, L: BERTH_LAUNCHER });
      await t.waitFor(/ready/);
      t.write('\x03');
      await t.waitFor(/got-INT/);
      await t.waitFor(/status 7/);
      await t.waitFor(/mode-restored/);
      t.close();
    }
  });
});

/** A shell command under a fresh terminal (`script`), typed into and read from by the test. */
function inTerminal(command: string, env: NodeJS.ProcessEnv): { waitFor(re: RegExp): Promise<RegExpMatchArray>; write(s: string): void; close(): void } {
  const child: ChildProcessWithoutNullStreams = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  return {
    async waitFor(re) {
      for (let i = 0; i < 300; i++) {
        const m = re.exec(out);
        if (m) return m;
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGKILL');
      throw new Error(`not seen in 15 s: ${re}\n${out}`);
    },
    write: (s) => child.stdin.write(s),
    close: () => {
      child.stdin.end();
      child.kill('SIGKILL');
    },
  };
}
