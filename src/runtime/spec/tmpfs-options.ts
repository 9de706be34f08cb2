// Merges tmpfs mount options so that a later option wins over an earlier one of the same kind
// (`noexec` then `exec` → `exec`; `size=64m` then `size=1g` → `size=1g`), as docker does for
// --tmpfs, whose defaults (noexec, nosuid, nodev) come first.
import { InvalidArgumentError } from '../../errors.js';

/** Flag options and the kernel flag they set or clear (pairs share a key). */
const FLAG_KEY: Record<string, string> = {
  ro: 'rdonly', rw: 'rdonly', suid: 'nosuid', nosuid: 'nosuid', dev: 'nodev', nodev: 'nodev',
  exec: 'noexec', noexec: 'noexec', sync: 'sync', async: 'sync', dirsync: 'dirsync', remount: 'remount',
  mand: 'mand', nomand: 'mand', atime: 'noatime', noatime: 'noatime', diratime: 'nodiratime',
  nodiratime: 'nodiratime', bind: 'bind', rbind: 'rbind', relatime: 'relatime', norelatime: 'relatime',
  strictatime: 'strictatime', nostrictatime: 'strictatime',
  // There is only one propagation mode.
  private: 'propagation', rprivate: 'propagation', shared: 'propagation', rshared: 'propagation',
  slave: 'propagation', rslave: 'propagation', unbindable: 'propagation', runbindable: 'propagation',
};

const DATA_KEYS = new Set(['size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol']);

export function mergeTmpfsOptions(options: readonly string[]): string[] {
  const seen = new Set<string>();
  const merged: string[] = [];
  for (let i = options.length - 1; i >= 0; i--) {
    const option = (options[i] as string).trim();
    if (option === '' || option === 'defaults') continue;
    let key = FLAG_KEY[option];
    if (key === undefined) {
      const eq = option.indexOf('=');
      const name = eq < 0 ? option : option.slice(0, eq);
      if (eq < 0 || !DATA_KEYS.has(name)) throw new InvalidArgumentError(`Invalid tmpfs option ${JSON.stringify(option)}`);
      key = `=${name}`;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    merged.unshift(option);
  }
  return merged;
}
