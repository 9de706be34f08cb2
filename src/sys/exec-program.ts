// The one way berth's daemon runs a one-shot command with its output captured: execFile's
// contract (resolves with stdout and stderr as strings; rejects with execFile's error, its
// `code` the exit status or errno name, `signal`, `killed`, and `stdout`/`stderr` attached) plus
// input for stdin. The command runs in berthd's spawner when one serves this process
// (spawner.ts), else here; both run it through program-run.cts, so results and errors are the same.
// Processes that live on with descriptors of their own (conmon, the seccomp agent, lxcfs, the
// stdin bridge, attached runc runs) are spawned by their owners, not here.
import { runProgramHere, type ProgramRequest } from './program-run.cjs';
import { currentSpawner } from './spawner.js';

export type ExecProgramOptions = Omit<ProgramRequest, 'file' | 'args'>;

export interface ExecProgramResult {
  stdout: string;
  stderr: string;
}

/** execFile's error: a failed start (`code` 'ENOENT'…, `errno`, `syscall`, `path`) or a failed run (`code` the exit status). */
export interface ExecProgramError extends Error {
  code?: number | string | null;
  signal?: NodeJS.Signals | null;
  killed?: boolean;
  cmd?: string;
  stdout: string;
  stderr: string;
}

export async function execProgram(file: string, args: string[], opts: ExecProgramOptions = {}): Promise<ExecProgramResult> {
  const req: ProgramRequest = { file, args, ...opts };
  const outcome = await (currentSpawner()?.run(req) ?? runProgramHere(req));
  if (!outcome.error) return { stdout: outcome.stdout, stderr: outcome.stderr };
  const { message, ...fields } = outcome.error;
  throw Object.assign(new Error(message), fields, { stdout: outcome.stdout, stderr: outcome.stderr }) as ExecProgramError;
}

/** True when `err` says the command ran and failed (an exit status or a signal), not that it could not start. */
export function ranAndFailed(err: unknown): err is ExecProgramError {
  const e = err as Partial<ExecProgramError>;
  return typeof e?.code === 'number' || (typeof e?.signal === 'string' && e.code === null);
}
