// A warm CLI worker: a node process berthd keeps ready (src/daemon/cli-worker-pool.ts) with the CLI
// bundle loaded, which runs `berth` commands handed to it by the launcher (native/cli_launcher.c)
// with the launcher's arguments, environment, working directory, umask, credentials (uid, gid and
// supplementary groups) and standard descriptors. A command that leaves nothing behind lets the worker take the next one; any other
// (it read stdin, ran as another user, kept handles or signal handlers, died) ends the worker and
// berthd starts a fresh one. Whatever this worker cannot run as the launcher would (another build
// of berth, another mount namespace, a command that must be its own process) goes back to the
// launcher, which then starts the CLI cold.
import { closeSync, statSync, writeSync } from 'node:fs';
import type { Socket } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { join, resolve } from 'node:path';
import { freshManifest } from './bundle-freshness.cjs';
import { HANDOFF_PROTOCOL, Reply, SIGNAL_RECORD, parseHandoffRequest, replyRecord, type HandoffRequest } from './handoff-request.cjs';
import { makeJobStdio, type JobStdio } from './job-stdio.cjs';
import { runBundle } from './run-bundle.cjs';

type CliMain = (argv: string[], importModule: (url: string) => Promise<unknown>, io: JobStdio['io']) => Promise<number>;
interface Handoff {
  cliHandoffReceive(fd: number, timeoutMs: number): { pid: number; uid: number; gid: number; groups: number[]; data: Buffer; fds: number[] };
  cliHandoffDup(fd: number): number;
}

const ROOT = resolve(__dirname, '..', '..', '..');
/** Commands that must be a process of their own: `registry serve` is a server that outlives berthd. */
const COLD_ONLY = new Set(['registry']);
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGWINCH'] as const;
const SIGNUM: Record<string, number> = { SIGINT: 2, SIGQUIT: 3, SIGPIPE: 13, SIGTERM: 15, SIGHUP: 1, SIGWINCH: 28 };
const MAX_JOBS = 500;
const DEBUG = Boolean(process.env.BERTH_CLI_WORKER_DEBUG);
const debug = (line: string): void => {
  if (DEBUG) process.stderr.write(`cli-worker ${process.pid}: ${line}\n`);
};
const RECEIVE_TIMEOUT_MS = 2000;

const identity = (path: string): string => {
  try {
    const st = statSync(path, { bigint: true });
    return `${st.dev}:${st.ino}`;
  } catch {
    return '?';
  }
};
const OWN_MOUNT_NS = identity('/proc/self/ns/mnt');
const OWN_ROOT = identity('/');

const handoff = require(join(ROOT, 'native', 'build', 'Release', 'berth_sys.node')) as Handoff;
const manifest = freshManifest(ROOT);
const cliMain = manifest ? ((runBundle(ROOT, manifest) as { main: CliMain }).main) : undefined;
const importModule = (url: string): Promise<unknown> => import(url);

/** What the process looks like between commands: a command that leaves more retires the worker. */
const baseline = {
  listeners: Object.fromEntries(FORWARDED.map((s) => [s, process.listenerCount(s)])),
  resources: 0,
};

interface Job {
  fd: number;
  replied: boolean;
  stdio?: JobStdio;
}
let job: Job | undefined;
let served = 0;

function reply(j: Job, tag: Reply, value = 0): void {
  if (tag === Reply.Exit || tag === Reply.Signal || tag === Reply.Fallback) {
    if (j.replied) return;
    j.replied = true;
  }
  try {
    writeSync(j.fd, replyRecord(tag, value));
  } catch {
    // the launcher is gone
  }
}

// A command that calls process.exit, or dies of an uncaught error, still answers its launcher.
process.on('exit', (code) => {
  if (job) reply(job, Reply.Exit, code);
});
process.on('uncaughtException', (err) => {
  if (!job) throw err;
  const text = `${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`;
  job.stdio?.io.stderr.write(text);
  void job.stdio?.flush().finally(() => process.exit(1));
  setTimeout(() => process.exit(1), 1000).unref();
});

/** Why this worker cannot run the request as the launcher would, or undefined. */
function refusal(req: HandoffRequest): string | undefined {
  if (req.root !== ROOT) return 'another installation';
  if (req.mountNamespace !== OWN_MOUNT_NS || req.rootDir !== OWN_ROOT) return 'another mount namespace';
  const first = req.argv.find((a) => !a.startsWith('-'));
  if (first !== undefined && COLD_ONLY.has(first)) return 'a command of its own';
  if (req.env.BERTH_BUNDLE === '0') return 'the bundle is off';
  const now = freshManifest(ROOT);
  if (!now || now.bundleSha256 !== manifest?.bundleSha256) return 'stale';
  return undefined;
}

function becomeLauncher(req: HandoffRequest, cred: { uid: number; gid: number; groups: number[] }): void {
  if (cred.uid !== 0 || cred.gid !== 0) {
    // The launcher's own groups, as the kernel had them at connect: not /etc/group's (a session
    // started before a group change, `sg`, a service's trimmed groups keep what they had).
    process.setgroups!(cred.groups);
    process.setgid!(cred.gid);
    process.setuid!(cred.uid);
  }
  process.chdir(req.cwd);
  process.umask(req.umask);
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, req.env);
  process.argv = [process.execPath, join(ROOT, 'bin', 'berth'), ...req.argv];
  process.exitCode = undefined;
}

function onSignalRecord(j: Job, sig: number): void {
  const name = Object.keys(SIGNUM).find((k) => SIGNUM[k] === sig);
  if (!name) return;
  if (name === 'SIGWINCH') {
    j.stdio?.refreshSize();
    if (process.listenerCount('SIGWINCH') > (baseline.listeners.SIGWINCH ?? 0)) process.emit('SIGWINCH' as never);
    return;
  }
  if (process.listenerCount(name) > (baseline.listeners[name] ?? 0)) {
    process.emit(name as never);
    return;
  }
  // No handler: a CLI of its own would die of it.
  dieOf(j, sig);
}

/** The command dies of `sig`: the launcher raises it on itself, and this worker, mid-command, ends. */
function dieOf(j: Job, sig: number): never {
  reply(j, Reply.Signal, sig);
  process.exit(128 + sig);
}

async function run(socket: Socket): Promise<void> {
  const fd = (socket as unknown as { _handle: { fd: number } })._handle.fd;
  const j: Job = { fd, replied: false };
  let req: HandoffRequest;
  let received;
  try {
    received = handoff.cliHandoffReceive(fd, RECEIVE_TIMEOUT_MS);
    req = parseHandoffRequest(received.data);
  } catch {
    closeAll(received?.fds ?? []);
    reply(j, Reply.Fallback);
    socket.destroy();
    return next(true);
  }
  const why = received.fds.length === 3 ? refusal(req) : 'no descriptors';
  debug(`job ${req.argv.join(' ')}: ${why ?? 'accepted'}`);
  if (why !== undefined) {
    reply(j, Reply.Fallback);
    closeAll(received.fds);
    socket.destroy();
    // A stale bundle is every worker's of that age: berthd retires the others too.
    if (why === 'stale') process.send!({ stale: true });
    return next(why === 'stale');
  }
  job = j;
  const dropped = received.uid !== 0 || received.gid !== 0;
  try {
    becomeLauncher(req, received);
  } catch {
    // e.g. the working directory is not the user's to enter: the cold CLI reports it as node would
    reply(j, Reply.Fallback);
    closeAll(received.fds);
    socket.destroy();
    job = undefined;
    return next(true);
  }
  reply(j, Reply.Accepted);
  // The reader of stdout or stderr went away: the command dies of SIGPIPE now, as docker's CLI
  // does, rather than go on (`logs -f | head -1` would never end).
  const stdio = makeJobStdio(received.fds, handoff.cliHandoffDup, () => dieOf(j, SIGNUM.SIGPIPE!));
  j.stdio = stdio;
  // Records from the launcher: the signals it received. Its going away ends the command.
  socket.on('data', (chunk: Buffer) => {
    for (let i = 0; i + 5 <= chunk.length; i += 5) if (chunk[i] === SIGNAL_RECORD) onSignalRecord(j, chunk.readInt32LE(i + 1));
  });
  socket.once('close', () => {
    if (!j.replied) process.exit(1);
  });
  socket.resume();
  let code: number;
  try {
    code = await cliMain!(req.argv, importModule, stdio.io);
  } catch (err) {
    stdio.io.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    code = 1;
  }
  await stdio.flush();
  reply(j, Reply.Exit, code);
  const dirty = dropped || stdio.stdinUsed() || stdio.writeError() !== undefined ||
    FORWARDED.some((s) => process.listenerCount(s) > (baseline.listeners[s] ?? 0));
  const socketClosed = new Promise((resolve) => socket.once('close', resolve));
  socket.destroy();
  await Promise.all([stdio.close(), socketClosed]);
  job = undefined;
  served++;
  // Handles the command left open (timers, sockets) show once its own have closed; the API
  // client's keep-alive sockets close a turn or two of the loop after it is disposed.
  let left: string[] = [];
  for (let turn = 0; turn < 4; turn++) {
    await new Promise((resolve) => setTimeout(resolve, turn));
    left = process.getActiveResourcesInfo().filter((r) => r !== 'Immediate' && r !== 'Timeout');
    if (left.length <= baseline.resources) break;
  }
  debug(`done: dirty=${dirty} left=${left.join(',')} ${DEBUG ? (process as unknown as { _getActiveHandles(): object[] })._getActiveHandles().map((h) => `${h.constructor.name}:${(h as { _handle?: { fd?: number } })._handle?.fd ?? (h as { fd?: number }).fd}`).join(',') : ''}`);
  next(dirty || served >= MAX_JOBS || left.length > baseline.resources);
}

function closeAll(fds: readonly number[]): void {
  for (const f of fds) {
    try {
      closeSync(f);
    } catch {
      // already closed
    }
  }
}

/** Ready for the next command, or gone (berthd starts a fresh worker). */
function next(retire: boolean): void {
  if (retire || !process.connected) {
    process.disconnect?.();
    process.exit(0);
  }
  process.send!({ ready: true });
}

if (!cliMain || !process.send) {
  // No fresh bundle (sources changed since it was built): launchers start cold until it is rebuilt.
  process.send?.({ ready: false, reason: 'no fresh CLI bundle' });
  process.exit(0);
}
process.on('message', (msg: unknown, socket?: Socket) => {
  if (msg === 'job' && socket) void run(socket);
});
/** A command may finish this long once berthd is gone (stopped, or killed: then nothing kills us). */
const ORPHAN_GRACE_MS = 2000;
process.on('disconnect', () => {
  if (!job) process.exit(0);
  // Still running (waiting on stdin, on a container): it ends without an exit status, and its
  // launcher says berthd stopped, rather than hang on with a worker nobody will reap.
  setTimeout(() => {
    if (job) job.replied = true;
    process.exit(1);
  }, ORPHAN_GRACE_MS).unref();
});
/**
 * Runs a few commands into nothing before taking any, so the first real one finds its modules
 * loaded and its hot paths compiled: help texts, and a list against the daemon's own API socket
 * when the pool names it (BERTH_CLI_WORKER_WARMUP_HOST).
 */
async function warmUp(): Promise<void> {
  const sink = (): Writable => new Writable({ write: (_chunk, _enc, cb) => cb() });
  const io = { stdin: Readable.from([]), stdout: sink(), stderr: sink() };
  const host = process.env.BERTH_CLI_WORKER_WARMUP_HOST;
  const runs = [['ps', '--help'], ['run', '--help'], ...(host ? [['-H', host, 'ps', '-a'], ['-H', host, 'images']] : [])];
  for (const argv of runs) await cliMain!(argv, importModule, io).catch(() => undefined);
}

// The IPC channel is the one handle a waiting worker keeps.
void warmUp().then(() => setImmediate(() => {
  // The worker's own stdout and stderr (berthd's log) stay open once made: part of the baseline.
  void process.stdout;
  void process.stderr;
  debug('ready');
  baseline.resources = process.getActiveResourcesInfo().filter((r) => r !== 'Immediate' && r !== 'Timeout').length;
  process.send!({ ready: true, protocol: HANDOFF_PROTOCOL });
}));
