// Whether a process lives. kill(pid, 0) alone counts a zombie — dead, not yet reaped by its parent
// — as alive: a conmon killed a moment ago would keep its container "running" until init reaps it.
import { readFileSync } from 'node:fs';

export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return false;
  }
  // The state follows the command name, which is in parentheses and may hold anything.
  const state = stat.charAt(stat.lastIndexOf(')') + 2);
  return state !== 'Z' && state !== 'X';
}
