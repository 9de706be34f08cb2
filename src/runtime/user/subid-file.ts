// /etc/subuid and /etc/subgid: `owner:start:count` lines, the owner a user name or a numeric uid.
// The ranges a user owns become a user namespace's mapping as docker builds it: entries for the
// uid first (then, if none, for the name), sorted by start, laid end to end from container id 0,
// at most five (the kernel's limit before 4.15, which docker keeps).
import type { IdMapping } from '../../oci/id-map.js';

export interface SubIdRange {
  owner: string;
  start: number;
  count: number;
}

/** Lenient like shadow's own reader: comments, blank and malformed lines are skipped. */
export function parseSubIdFile(text: string): SubIdRange[] {
  const out: SubIdRange[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [owner, start, count] = line.split(':');
    if (!owner || !/^\d+$/.test(start ?? '') || !/^\d+$/.test(count ?? '')) continue;
    const n = Number(count);
    if (n === 0) continue;
    out.push({ owner, start: Number(start), count: n });
  }
  return out;
}

/** A user's ranges: those listed under its uid, else those under its name. */
export function rangesOf(ranges: readonly SubIdRange[], user: { name: string; uid: number }): SubIdRange[] {
  const byUid = ranges.filter((r) => r.owner === String(user.uid));
  return byUid.length > 0 ? byUid : ranges.filter((r) => r.owner === user.name);
}

const MAX_MAPPINGS = 5;

/** The namespace mapping made of a user's ranges. */
export function mappingsOf(ranges: readonly SubIdRange[]): IdMapping[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start).slice(0, MAX_MAPPINGS);
  const out: IdMapping[] = [];
  let next = 0;
  for (const r of sorted) {
    out.push({ containerID: next, hostID: r.start, size: r.count });
    next += r.count;
  }
  return out;
}

/**
 * The first `count` ids from `min` up that no range in `ranges` (everyone's) overlaps: where a
 * new user's range goes.
 */
export function freeRange(ranges: readonly SubIdRange[], count: number, min = 100000): number {
  let start = min;
  for (const r of [...ranges].sort((a, b) => a.start - b.start)) {
    if (r.start + r.count <= start) continue;
    if (r.start >= start + count) break;
    start = r.start + r.count;
  }
  return start;
}
