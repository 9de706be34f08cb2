// One berthd per exec root: a pid file, created exclusively, refused while the pid in it lives.
// Two daemons starting at once (the CLI's auto-start from several commands) cannot both win: the
// file is made with O_EXCL, and a stale one is moved aside before it is removed, so one daemon
// never deletes the lock another has just taken.
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConflictError, isErrno } from '../errors.js';
import { processAlive } from '../sys/process-alive.js';

const ATTEMPTS = 50;

function readPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function acquirePidLock(path: string): () => void {
  mkdirSync(dirname(path), { recursive: true });
  const conflict = (): ConflictError => new ConflictError(`pid file found, ensure berthd is not running or delete ${path}`);
  const release = (): void => {
    if (readPid(path) !== process.pid) return;
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  };
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx' });
      return release;
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
    }
    const pid = readPid(path);
    if (pid === process.pid) return release;
    if (pid !== undefined && processAlive(pid)) throw conflict();
    if (pid === undefined) {
      // Just created by another daemon, its pid not written yet (or gone meanwhile).
      pause(10);
      continue;
    }
    // Stale. Moved aside first: if what was moved is not that stale file any more, it is another
    // daemon's fresh lock, and it goes back.
    const aside = `${path}.${process.pid}.stale`;
    try {
      renameSync(path, aside);
    } catch {
      continue;
    }
    if (readPid(aside) !== pid) {
      try {
        linkSync(aside, path);
      } catch {
        // a third daemon holds the name now
      }
    }
    unlinkSync(aside);
  }
  throw conflict();
}
