// `docker top`: the host's `ps` (with the caller's ps_args, `-ef` by default), keeping the rows of
// the container's processes as the runtime lists them.
import { InvalidArgumentError } from '../errors.js';
import type { OciRuntime } from '../runtime/oci-runtime.js';
import { execProgram } from '../sys/exec-program.js';

export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

export async function listProcesses(runtime: OciRuntime, containerId: string, psArgs = '-ef'): Promise<TopResult> {
  const pids = new Set((await runtime.pids(containerId)).map(String));
  const { stdout } = await execProgram('ps', psArgs.split(/\s+/).filter(Boolean));
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]!.trim().split(/\s+/);
  const pidCol = header.indexOf('PID');
  if (pidCol === -1) throw new InvalidArgumentError(`Couldn't find PID field in ps output`);
  const processes = lines.slice(1).map((l) => {
    const f = l.trim().split(/\s+/);
    // The last column (the command) keeps its spaces.
    return [...f.slice(0, header.length - 1), f.slice(header.length - 1).join(' ')];
  }).filter((row) => pids.has(row[pidCol]!));
  return { Titles: header, Processes: processes };
}
