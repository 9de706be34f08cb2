// A filesystem error met while unpacking an archive someone sent (docker cp, a build context) is
// the archive's fault, not the daemon's: it becomes a 400 in the words Go's errors use, without
// the host paths (a 64 KiB name, the container's /proc root) that Node's message carries.
import { InvalidArgumentError } from '../errors.js';

const WORDS: Record<string, string> = {
  ENAMETOOLONG: 'file name too long',
  ENOENT: 'no such file or directory',
  ELOOP: 'too many levels of symbolic links',
  ENOTDIR: 'not a directory',
  EEXIST: 'file exists',
  EISDIR: 'is a directory',
};

/** `err` as an InvalidArgumentError when it is one of the errnos an archive's content causes; else `err`. */
export function archiveEntryError(err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const words = code === undefined ? undefined : WORDS[code];
  return words === undefined ? err : new InvalidArgumentError(`invalid archive: ${words}`);
}
