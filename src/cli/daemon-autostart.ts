// Starts berthd in the background when nothing answers on the default socket (only when the user
// named no host): same node binary, bin/berthd next to bin/berth, output to <run dir>/berthd.log.
// berthd listens only once its engine is built, so the first answer to /_ping means it is ready;
// until then every failure to connect (no socket, refused, a connection closed early) means "wait".
// A berthd that already holds the run dir's pid file (starting, or stopping) is waited for, not
// doubled: a second one would only fail on that lock.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiClient } from '../client/api-client.js';
import { DaemonConnectionError, DaemonUnreachableError } from '../client/api-error.js';

const START_TIMEOUT_MS = 10_000;
const POLL_MS = 25;

/** bin/berthd of this package (dist/src/cli/ → ../../../bin/berthd). */
export function berthdPath(): string {
  return fileURLToPath(new URL('../../../bin/berthd', import.meta.url));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The daemon is not (yet, or no longer) answering, as opposed to answering with an error. */
function notAnswering(err: unknown): boolean {
  return err instanceof DaemonUnreachableError || err instanceof DaemonConnectionError;
}

/** The pid of a live berthd holding `<runDir>/berthd.pid`, other than `except`. */
function berthdHoldingLock(runDir: string, except?: number): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(runDir, 'berthd.pid'), 'utf8'), 10);
    if (!(pid > 0) || pid === except) return undefined;
    // The command line, not only the pid: a stale file may name a pid now used by something else.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('berthd') ? pid : undefined;
  } catch {
    return undefined;
  }
}

export interface AutostartOptions {
  /** The daemon's command line (default: this node running bin/berthd). */
  command?: readonly string[];
  timeoutMs?: number;
}

/** Negotiates with the daemon, starting it first if its unix socket does not answer. */
export async function ensureDaemon(client: ApiClient, opts: AutostartOptions = {}): Promise<void> {
  try {
    await client.apiVersion();
    return;
  } catch (err) {
    if (!notAnswering(err) || client.host.kind !== 'unix') throw err;
  }
  const runDir = dirname(client.host.path);
  const logPath = join(runDir, 'berthd.log');
  let child: { pid: number | undefined; exited: number | null | undefined } | undefined;
  const start = (): void => {
    let logFd: number;
    try {
      mkdirSync(runDir, { recursive: true });
      logFd = openSync(logPath, 'a');
    } catch (err) {
      throw new DaemonUnreachableError(client.host.url, err);
    }
    const [cmd, ...args] = opts.command ?? [process.execPath, berthdPath()];
    const proc = spawn(cmd!, args, { detached: true, stdio: ['ignore', logFd, logFd] });
    const started: NonNullable<typeof child> = { pid: proc.pid, exited: undefined };
    proc.on('exit', (code) => {
      started.exited = code;
    });
    proc.on('error', () => {
      started.exited = -1;
    });
    proc.unref();
    closeSync(logFd);
    child = started;
  };
  if (berthdHoldingLock(runDir) === undefined) start();
  const timeout = opts.timeoutMs ?? START_TIMEOUT_MS;
  const deadline = Date.now() + timeout;
  for (;;) {
    await sleep(POLL_MS);
    try {
      await client.apiVersion();
      return;
    } catch (err) {
      if (!notAnswering(err)) throw err;
    }
    const other = berthdHoldingLock(runDir, child?.pid);
    if (child?.exited !== undefined && other === undefined) {
      throw new Error(`berthd exited (${child.exited}) before it answered on ${client.host.url}; see ${logPath}`);
    }
    // The berthd we waited for went away without answering (it was stopping): start one now.
    if (!child && other === undefined) start();
    if (Date.now() > deadline) throw new Error(`berthd did not answer on ${client.host.url} within ${timeout / 1000}s; see ${logPath}`);
  }
}
