// One command run to its end by the process this module is loaded in, with its output captured
// and its outcome as plain data (so it can cross an IPC channel unchanged). berthd's own path when
// no spawner serves it, and the spawner's only path (src/sys/spawner-main.cts); exec-program.ts turns
// the outcome into execFile's result or error.
import { execFile } from 'node:child_process';

export interface ProgramRequest {
  file: string;
  args: string[];
  /** The whole environment (default: the running process's). */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Written to the command's stdin, which is then closed; without it stdin stays an open pipe, as execFile leaves it. */
  input?: string;
  /** Milliseconds before SIGTERM (execFile's `timeout`); 0 or absent: none. */
  timeout?: number;
  /** Bytes of stdout or stderr before the command is killed (execFile's default: 1 MiB). */
  maxBuffer?: number;
}

/** execFile's error as data: its message and own fields (code, signal, killed, cmd; errno, syscall, path, spawnargs). */
export interface ProgramFailure {
  message: string;
  [field: string]: unknown;
}

export interface ProgramOutcome {
  stdout: string;
  stderr: string;
  /** Set when the command could not start, exited non-zero, was killed or overflowed maxBuffer. */
  error?: ProgramFailure;
}

function failureOf(err: unknown): ProgramFailure {
  if (!(err instanceof Error)) return { message: String(err) };
  const failure: ProgramFailure = { message: err.message };
  for (const [k, v] of Object.entries(err)) {
    if (v === undefined || typeof v === 'function') continue;
    failure[k] = v;
  }
  return failure;
}

export function runProgramHere(req: ProgramRequest): Promise<ProgramOutcome> {
  return new Promise((resolve) => {
    try {
      const child = execFile(
        req.file,
        req.args,
        {
          encoding: 'utf8',
          ...(req.env ? { env: req.env } : {}),
          ...(req.cwd ? { cwd: req.cwd } : {}),
          ...(req.timeout ? { timeout: req.timeout } : {}),
          ...(req.maxBuffer ? { maxBuffer: req.maxBuffer } : {}),
        },
        (err, stdout, stderr) => resolve({ stdout, stderr, ...(err ? { error: failureOf(err) } : {}) }),
      );
      if (req.input !== undefined) {
        // A command that exits without reading its input must not fail the run with EPIPE.
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(req.input);
      }
    } catch (err) {
      // Arguments execFile refuses before spawning (a NUL in an argument…).
      resolve({ stdout: '', stderr: '', error: failureOf(err) });
    }
  });
}
