// Starts berthd in the background when nothing answers on the default socket (only when the user
// named no host): same node binary, bin/berthd next to bin/berth, output to <run dir>/berthd.log.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiClient } from '../client/api-client.js';
import { DaemonUnreachableError } from '../client/api-error.js';

const START_TIMEOUT_MS = 10_000;
const POLL_MS = 25;

/** bin/berthd of this package (dist/src/cli/ → ../../../bin/berthd). */
export function berthdPath(): string {
  return fileURLToPath(new URL('../../../bin/berthd', import.meta.url));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
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
    if (!(err instanceof DaemonUnreachableError) || client.host.kind !== 'unix') throw err;
  }
  const runDir = dirname(client.host.path);
  const logPath = join(runDir, 'berthd.log');
  let logFd: number;
  try {
    mkdirSync(runDir, { recursive: true });
    logFd = openSync(logPath, 'a');
  } catch (err) {
    throw new DaemonUnreachableError(client.host.url, err);
  }
  let exited: number | null | undefined;
  const [cmd, ...args] = opts.command ?? [process.execPath, berthdPath()];
  const child = spawn(cmd!, args, { detached: true, stdio: ['ignore', logFd, logFd] });
  child.on('exit', (code) => {
    exited = code;
  });
  child.on('error', () => {
    exited = -1;
  });
  child.unref();
  closeSync(logFd);
  const timeout = opts.timeoutMs ?? START_TIMEOUT_MS;
  const deadline = Date.now() + timeout;
  for (;;) {
    await sleep(POLL_MS);
    try {
      await client.apiVersion();
      return;
    } catch (err) {
      if (!(err instanceof DaemonUnreachableError)) throw err;
    }
    if (exited !== undefined) {
      throw new Error(`berthd exited (${exited}) before it answered on ${client.host.url}; see ${logPath}`);
    }
    if (Date.now() > deadline) throw new Error(`berthd did not answer on ${client.host.url} within ${timeout / 1000}s; see ${logPath}`);
  }
}
