// Running `berth` as installed (the native launcher) against a test daemon's warm CLI workers, or
// cold, for tests that prove a user cannot tell the two apart. BERTH_WARM=1 makes the launcher
// fail rather than start cold, so a warm run is known to be warm.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { BERTH_LAUNCHER } from './repo-paths.js';
import type { TestDaemon } from './test-daemon.js';

export interface LauncherRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface LauncherOptions {
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs the launcher to its end (killed after `timeoutMs`, 30 s by default). */
export function runLauncher(args: string[], opts: LauncherOptions = {}): Promise<LauncherRun> {
  return runCaptured(BERTH_LAUNCHER, args, opts);
}

/** Runs a command that starts the launcher itself (`sh -c '… $L …'`), output and status captured. */
export function runCaptured(cmd: string, args: string[], opts: LauncherOptions = {}): Promise<LauncherRun> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: opts.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** `warm` and `cold` runners for one daemon: the same environment but for BERTH_WARM. */
export function launcherRunners(d: TestDaemon, base: NodeJS.ProcessEnv): {
  env: NodeJS.ProcessEnv;
  warm: (args: string[], opts?: LauncherOptions) => Promise<LauncherRun>;
  cold: (args: string[], opts?: LauncherOptions) => Promise<LauncherRun>;
} {
  const env = { ...base, BERTH_HOST: d.host, BERTH_CLI_SOCKET: d.cliSocket };
  const as = (warm: '0' | '1') => (args: string[], opts: LauncherOptions = {}) =>
    runLauncher(args, { ...opts, env: { ...env, BERTH_WARM: warm, ...opts.env } });
  return { env, warm: as('1'), cold: as('0') };
}

/** The daemon's CLI workers (children of its berthd), sorted. */
export function workerPids(d: TestDaemon): number[] {
  const r = spawnSync('pgrep', ['-f', 'launcher/cli-worker.cjs'], { encoding: 'utf8' });
  return r.stdout.split('\n').filter(Boolean).map(Number).filter((p) => parentOf(p) === d.pid).sort();
}

export function parentOf(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
  } catch {
    return undefined;
  }
}

/**
 * Waits until the daemon has at least `n` workers that stay the same for a while (none starting
 * or retiring; workers made for a burst stay up to 30 s unused).
 */
export async function settledWorkers(d: TestDaemon, n = 2): Promise<number[]> {
  let last = workerPids(d);
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 300));
    const now = workerPids(d);
    if (now.join() === last.join() && now.length >= n) return now;
    last = now;
  }
  return last;
}
