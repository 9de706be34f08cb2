// Fills a new, empty volume with what the image has at the mount's destination, like docker:
// contents with owners, modes, links and xattrs, and the directory's own owner and mode.
import { chmod, chown, lstat, readdir } from 'node:fs/promises';
import { isErrno } from '../errors.js';
import { resolveInRoot } from '../fsutil/resolve-in-root.js';
import { execProgram } from '../sys/exec-program.js';

/** Copies `rootfs`'s `destination` into `volumeDir` when the volume is empty and the image has a directory there. */
export async function copyImageData(rootfs: string, destination: string, volumeDir: string): Promise<boolean> {
  if ((await readdir(volumeDir)).length > 0) return false;
  const src = await resolveInRoot(rootfs, destination);
  let st;
  try {
    st = await lstat(src);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return false;
    throw err;
  }
  if (!st.isDirectory()) return false;
  if ((await readdir(src)).length > 0) await execProgram('cp', ['-a', '--', `${src}/.`, volumeDir]);
  await chown(volumeDir, st.uid, st.gid);
  await chmod(volumeDir, st.mode & 0o7777);
  return true;
}
