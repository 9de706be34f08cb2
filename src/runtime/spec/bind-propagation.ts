// A bind asking for shared or slave propagation only works when the host mount holding its source
// is shared (or, for slave, a slave): otherwise nothing would propagate. docker refuses such a bind
// at start with these messages; so does berth.
import { readFile, realpath } from 'node:fs/promises';
import { posix } from 'node:path';
import { InvalidArgumentError } from '../../errors.js';
import type { SpecMount } from './spec-input.js';

interface MountInfoEntry {
  mountPoint: string;
  /** The optional fields: `shared:N`, `master:N`, … */
  tags: string[];
}

/** /proc/self/mountinfo's mount points and propagation tags (octal escapes decoded). */
export function parseMountInfo(text: string): MountInfoEntry[] {
  const out: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const sep = f.indexOf('-');
    if (f.length < 7 || sep < 6) continue;
    out.push({ mountPoint: f[4]!.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8))), tags: f.slice(6, sep) });
  }
  return out;
}

/** The mount (the last one, as it hides earlier ones) whose mount point holds `path`. */
function mountOf(path: string, mounts: MountInfoEntry[]): MountInfoEntry | undefined {
  let best: MountInfoEntry | undefined;
  for (const m of mounts) {
    const inside = m.mountPoint === '/' || path === m.mountPoint || path.startsWith(`${m.mountPoint}/`);
    if (inside && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

/** Throws docker's error for a shared/slave bind whose source's mount cannot propagate. */
export async function checkBindPropagation(mounts: readonly SpecMount[], mountInfo?: string): Promise<void> {
  const wanting = mounts.filter((m) => m.type === 'bind' && m.source && /^r?(shared|slave)$/.test(m.propagation ?? ''));
  if (wanting.length === 0) return;
  const table = parseMountInfo(mountInfo ?? (await readFile('/proc/self/mountinfo', 'utf8')));
  for (const m of wanting) {
    const source = await realpath(m.source!).catch(() => posix.normalize(m.source!));
    const at = mountOf(source, table);
    if (!at) continue;
    const shared = at.tags.some((t) => t.startsWith('shared:'));
    const slave = at.tags.some((t) => t.startsWith('master:'));
    if (/shared$/.test(m.propagation!) && !shared) {
      throw new InvalidArgumentError(`path ${m.source} is mounted on ${at.mountPoint} but it is not a shared mount`);
    }
    if (/slave$/.test(m.propagation!) && !shared && !slave) {
      throw new InvalidArgumentError(`path ${m.source} is mounted on ${at.mountPoint} but it is not a shared or slave mount`);
    }
  }
}
