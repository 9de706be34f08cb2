// One berthd per exec root: a pid file, refused while the pid in it is alive.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConflictError } from '../errors.js';

export function acquirePidLock(path: string): () => void {
  mkdirSync(dirname(path), { recursive: true });
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (pid && pid !== process.pid) {
      try {
        process.kill(pid, 0);
        throw new ConflictError(`pid file found, ensure berthd is not running or delete ${path}`);
      } catch (err) {
        if (err instanceof ConflictError) throw err;
        // stale: the process is gone
      }
    }
  } catch (err) {
    if (err instanceof ConflictError) throw err;
  }
  writeFileSync(path, String(process.pid));
  return () => {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  };
}
