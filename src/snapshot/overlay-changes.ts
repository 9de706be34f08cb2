// The changes of an overlay layer over the layers under it: the upper dir holds exactly what
// changed; a 0/0 character device is a deletion, a path some lower layer has is a modification,
// anything else an addition.
import type { Stats } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Change } from './differ.js';

function isWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

/** Whether the tree of `lowerDirs` (top-most first) has `rel`: the first layer holding the name decides. */
async function inLower(lowerDirs: string[], rel: string): Promise<boolean> {
  for (const l of lowerDirs) {
    const st = await lstat(join(l, rel)).catch(() => undefined);
    if (st) return !isWhiteout(st);
  }
  return false;
}

export async function overlayChanges(upperDir: string, lowerDirs: string[]): Promise<Change[]> {
  const out: Change[] = [];
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(upperDir, rel))).sort();
    for (const n of names) {
      const r = `${rel}/${n}`;
      const st = await lstat(join(upperDir, r)).catch(() => undefined);
      if (!st) continue;
      if (isWhiteout(st)) {
        out.push({ path: r, kind: 'delete' });
        continue;
      }
      out.push({ path: r, kind: (await inLower(lowerDirs, r)) ? 'modify' : 'add' });
      if (st.isDirectory()) await walk(r);
    }
  };
  await walk('');
  return out;
}
