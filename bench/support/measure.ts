// Timing commands for the benches: wall time of one run (sync or async), medians, and rounds that
// interleave the engines so a busy machine slows each of them alike.
import { spawn, spawnSync } from 'node:child_process';

export interface Command {
  cmd: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

/** Wall time of one run in ms; throws with its stderr when it fails. */
export function timeSync(c: Command): number {
  const t0 = performance.now();
  const r = spawnSync(c.cmd, c.args, { env: { ...process.env, ...c.env }, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${c.cmd} ${c.args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return ms;
}

/** The same without blocking the bench (for runs side by side); resolves with ms and stdout. */
export function timeAsync(c: Command): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(c.cmd, c.args, { env: { ...process.env, ...c.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = performance.now() - t0;
      if (code !== 0) reject(new Error(`${c.cmd} ${c.args.join(' ')} failed (${code}): ${stderr}`));
      else resolve({ ms, stdout });
    });
  });
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** `--name value` from the command line, else the fallback. */
export function option(name: string, fallback: string): string;
export function option(name: string, fallback?: string): string | undefined;
export function option(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

export const ms = (x: number): string => (Number.isFinite(x) ? x.toFixed(0) : '–').padStart(6);
