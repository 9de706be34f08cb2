// A container's init as the runtime created it: its pid and its start time, which tell it apart
// from a later process that reuses the pid. Signalling it directly is what `runc kill` (without
// --all) does once it has checked the same, without a runtime process on the waiting path.
import { constants } from 'node:os';
import { readFile } from 'node:fs/promises';

export interface InitProcess {
  pid: number;
  /** Field 22 of /proc/<pid>/stat: clock ticks after boot. */
  startTime: string;
}

/** The process `pid` now; undefined when it is gone. */
export async function readInitProcess(pid: number): Promise<InitProcess | undefined> {
  const stat = await readStat(pid);
  return stat && { pid, startTime: stat.startTime };
}

/**
 * Sends `signal` (a number, `TERM` or `SIGTERM`) to the init when it still is that process and
 * has not ended. false when it could not tell (a signal name Node does not know) or the init is
 * gone: the caller asks the runtime, which answers as it does for a stopped container.
 */
export async function signalInit(init: InitProcess, signal: string | number): Promise<boolean> {
  const sig = typeof signal === 'number' ? signal : constants.signals[(signal.startsWith('SIG') ? signal : `SIG${signal}`) as NodeJS.Signals];
  if (sig === undefined) return false;
  const now = await readStat(init.pid);
  if (!now || now.startTime !== init.startTime || now.state === 'Z' || now.state === 'X') return false;
  try {
    process.kill(init.pid, sig);
    return true;
  } catch {
    return false;
  }
}

async function readStat(pid: number): Promise<{ state: string; startTime: string } | undefined> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const startTime = fields[19];
  return state && startTime ? { state, startTime } : undefined;
}
