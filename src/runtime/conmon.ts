// conmon, the per-container monitor: it runs the OCI runtime, holds the container's stdio, writes the
// log (k8s-file format) and the exit file, and serves the attach socket — so containers outlive berthd.
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Runc } from './runc.js';
import { RuntimeError } from './oci-runtime.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ConmonPaths {
  /** The conmon binary. */
  binary: string;
  /** Where conmon makes `<uuid>` symlinks to the dirs holding attach sockets (short, for sun_path). */
  socketDir: string;
}

export interface ConmonLaunch {
  /** Container id (for exec: the container to exec in). */
  containerId: string;
  /** conmon's uuid: names the attach-socket symlink under socketDir. */
  uuid: string;
  name: string;
  /** Bundle dir (for exec: a per-exec dir that only holds conmon's sockets and fifos). */
  bundle: string;
  pidFile: string;
  conmonPidFile: string;
  logPath: string;
  logMaxSize?: number;
  exitDir: string;
  stdin: boolean;
  /** Without it, conmon keeps the process's stdin open when an attach client goes away. */
  stdinOnce?: boolean;
  tty: boolean;
  /** For exec: the process.json to run. */
  execProcessSpec?: string;
}

export interface ConmonResult {
  /** The container's (or exec process's) host pid. */
  pid: number;
  /** For exec: resolves with the exit code, read from conmon's sync pipe. */
  exited?: Promise<number>;
}

/** Reads conmon's newline-delimited JSON messages (`{"data": n, "message": "…"}`) from the sync pipe. */
function readSyncMessages(pipe: Readable, onMessage: (m: { data: number; message?: string }) => void, onEnd: () => void): void {
  let buf = '';
  pipe.setEncoding('utf8');
  pipe.on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) !== -1) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      if (line) {
        try {
          onMessage(JSON.parse(line) as { data: number; message?: string });
        } catch {
          // a malformed line from conmon: ignore it, the exit file is authoritative
        }
      }
    }
  });
  pipe.on('end', onEnd);
  pipe.on('close', onEnd);
}

/** conmon's uuid for a container or exec: short, so `<socketDir>/<uuid>/attach` fits in 108 bytes. */
export function conmonUuid(id: string): string {
  return id.slice(0, 24);
}

export class Conmon {
  constructor(readonly paths: ConmonPaths, readonly runc: Runc) {}

  /**
   * Starts conmon, which runs `runtime create` (or `runtime exec`) and reports the pid.
   * Resolves once the process exists (for create: created, not yet started).
   */
  launch(l: ConmonLaunch): Promise<ConmonResult> {
    const args = [
      '--api-version', '1',
      '-c', l.containerId,
      '-u', l.uuid,
      '-n', l.name,
      '-r', this.runc.opts.binary,
      '-b', l.bundle,
      '-p', l.pidFile,
      '-P', l.conmonPidFile,
      '-l', `k8s-file:${l.logPath}`,
      '--exit-dir', l.exitDir,
      '--socket-dir-path', this.paths.socketDir,
      '--log-level', 'error',
      '--syslog',
    ];
    for (const a of this.runc.globalArgs()) args.push('--runtime-arg', a);
    if (l.logMaxSize && l.logMaxSize > 0) args.push('--log-size-max', String(l.logMaxSize));
    if (l.stdin) args.push('-i');
    if (l.stdin && !l.stdinOnce) args.push('--leave-stdin-open');
    if (l.tty) args.push('-t');
    if (l.execProcessSpec) args.push('-e', '--exec-process-spec', l.execProcessSpec);
    const child = spawn(this.paths.binary, args, {
      // conmon writes a file named `oom` into its working directory each time the OOM killer strikes
      // in the container's cgroup: keep it in the bundle, where the daemon watches for it.
      cwd: l.bundle,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: { ...process.env, _OCI_SYNCPIPE: '3' },
      detached: true,
    });
    child.unref();
    const pipe = child.stdio[3] as Readable;
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    return new Promise<ConmonResult>((resolve, reject) => {
      let pid: number | undefined;
      let exitResolve: ((code: number) => void) | undefined;
      let exitReject: ((err: Error) => void) | undefined;
      const exited = l.execProcessSpec
        ? new Promise<number>((res, rej) => {
            exitResolve = res;
            exitReject = rej;
          })
        : undefined;
      exited?.catch(() => undefined);
      readSyncMessages(
        pipe,
        (m) => {
          if (pid === undefined) {
            if (m.data < 0) {
              reject(new RuntimeError(cleanRuntimeMessage(m.message ?? stderr)));
              pipe.destroy();
              return;
            }
            pid = m.data;
            resolve({ pid, ...(exited ? { exited } : {}) });
            // A container's sync pipe says nothing more; an exec's later carries the exit code.
            if (!exited) pipe.destroy();
          } else {
            if (process.env.BERTH_DEBUG_CONMON) console.error('conmon sync', m);
            exitResolve?.(m.data);
          }
        },
        () => {
          if (pid === undefined) reject(new RuntimeError(cleanRuntimeMessage(stderr) || 'conmon exited before the container was created'));
          else if (exitResolve) {
            // conmon also writes the exit code to <exit-dir>/<container id>; read it when the pipe said nothing.
            void readExitFile(join(l.exitDir, l.containerId)).then(
              (code) => (code === undefined ? exitReject?.(new RuntimeError('conmon exited without an exit code')) : exitResolve?.(code)),
            );
          }
        },
      );
      child.on('error', (err) => reject(new RuntimeError(`cannot run conmon: ${err.message}`)));
    });
  }
}

/** runc's errors arrive as log lines (`time=… level=error msg="…"`); keep the message docker would show. */
export function cleanRuntimeMessage(raw: string): string {
  const lines = raw.split('\n').map((s) => s.trim()).filter(Boolean);
  const msgs = lines.map((line) => {
    const m = /msg="((?:[^"\\]|\\.)*)"/.exec(line);
    return m ? m[1]!.replace(/\\"/g, '"').replace(/\\\\/g, '\\') : line;
  });
  return msgs.filter((s) => !/^\[conmon/.test(s)).join(': ') || raw.trim();
}

async function readExitFile(path: string): Promise<number | undefined> {
  for (let i = 0; i < 20; i++) {
    const text = await readFile(path, 'utf8').catch(() => '');
    if (text.trim() !== '') return Number.parseInt(text.trim(), 10);
    await new Promise((r) => setTimeout(r, 25));
  }
  return undefined;
}
