// Resolves a path inside a directory tree used as a root (a container's rootfs) the way the
// kernel would inside a chroot: symlinks are followed, but absolute targets and `..` are taken
// relative to the root and can never climb out of it. Missing trailing components are fine:
// the result is where they would be.
import { lstat, readlink } from 'node:fs/promises';
import { isErrno } from '../errors.js';
import { resolve, sep } from 'node:path';

const MAX_LINKS = 255;

export async function resolveInRoot(root: string, path: string): Promise<string> {
  const base = resolve(root);
  // Components still to walk, first one last so pop() takes the next one.
  const pending = path.split('/').filter((c) => c !== '' && c !== '.').reverse();
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.pop() as string;
    if (part === '..') {
      done.pop();
      continue;
    }
    const candidate = base + sep + [...done, part].join(sep);
    let target: string | undefined;
    try {
      const st = await lstat(candidate);
      if (st.isSymbolicLink()) target = await readlink(candidate);
    } catch (err) {
      if (!isErrno(err, 'ENOENT') && !isErrno(err, 'ENOTDIR')) throw err;
    }
    if (target === undefined) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw Object.assign(new Error(`too many levels of symbolic links: ${path}`), { code: 'ELOOP' });
    if (target.startsWith('/')) done.length = 0;
    const more = target.split('/').filter((c) => c !== '' && c !== '.').reverse();
    pending.push(...more);
  }
  return done.length === 0 ? base : base + sep + done.join(sep);
}
