// The root filesystem of the local `busybox` image, made from Debian's busybox-static:
// /bin/busybox, a symlink per applet, and /etc/passwd and /etc/group with root and nobody.
// Run as a program it writes the tar to stdout (set-up pipes it into `berth import`).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { pack, type Pack } from 'tar-stream';

export const BUSYBOX_BINARY = '/usr/bin/busybox';

const DIRS: Array<[string, number]> = [
  ['bin', 0o755], ['dev', 0o755], ['etc', 0o755], ['home', 0o755], ['proc', 0o555], ['root', 0o700],
  ['sbin', 0o755], ['sys', 0o555], ['tmp', 0o1777], ['usr', 0o755], ['usr/bin', 0o755],
  ['usr/sbin', 0o755], ['var', 0o755], ['var/spool', 0o755], ['var/spool/mail', 0o755], ['var/www', 0o755],
];

const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n';
const GROUP = 'root:x:0:\nnobody:x:65534:\n';

/** Builds the rootfs tar; the stream ends when every entry is written. */
export function busyboxRootfsTar(binary = BUSYBOX_BINARY): Pack {
  const bin = readFileSync(binary);
  const applets = execFileSync(binary, ['--list-full'], { encoding: 'utf8' })
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '' && s !== 'bin/busybox');
  const mtime = new Date(0);
  const tar = pack();
  for (const [name, mode] of DIRS) tar.entry({ name, type: 'directory', mode, mtime, uid: 0, gid: 0 });
  tar.entry({ name: 'bin/busybox', mode: 0o755, mtime, uid: 0, gid: 0 }, bin);
  for (const applet of applets) {
    tar.entry({ name: applet, type: 'symlink', linkname: '/bin/busybox', mode: 0o777, mtime, uid: 0, gid: 0 });
  }
  tar.entry({ name: 'etc/passwd', mode: 0o644, mtime, uid: 0, gid: 0 }, PASSWD);
  tar.entry({ name: 'etc/group', mode: 0o644, mtime, uid: 0, gid: 0 }, GROUP);
  tar.finalize();
  return tar;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  // A reader that stops early (a failed import) is its problem to report, not ours.
  process.stdout.on('error', () => process.exit(1));
  busyboxRootfsTar().pipe(process.stdout);
}
