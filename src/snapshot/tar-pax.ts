// PAX extended header records, byte-exact. Records are split by their byte lengths;
// `SCHILY.xattr.*` values are kept as latin1 strings (one char per byte, so
// `Buffer.from(v, 'latin1')` gives the bytes back: xattrs such as security.capability are binary)
// and every other value is UTF-8. (tar-stream decodes every value as UTF-8, which corrupts them.)
import { InvalidArgumentError } from '../errors.js';

export const XATTR_PREFIX = 'SCHILY.xattr.';

/** PAX records of an entry: name → value (xattr values in latin1, see above). */
export type PaxRecords = Record<string, string>;

export function decodePax(buf: Buffer): PaxRecords {
  const out: PaxRecords = {};
  let off = 0;
  while (off < buf.length) {
    const sp = buf.indexOf(0x20, off);
    if (sp < 0) break;
    const len = Number.parseInt(buf.toString('latin1', off, sp), 10);
    if (!Number.isSafeInteger(len) || len <= sp - off || off + len > buf.length) {
      throw new InvalidArgumentError('invalid PAX header record');
    }
    const rec = buf.subarray(sp + 1, off + len - 1); // without the trailing newline
    const eq = rec.indexOf(0x3d);
    if (eq < 0) throw new InvalidArgumentError('invalid PAX header record');
    const key = rec.toString('utf8', 0, eq);
    out[key] = rec.toString(key.startsWith(XATTR_PREFIX) ? 'latin1' : 'utf8', eq + 1);
    off += len;
  }
  return out;
}

/** Encodes PAX records (xattr values given as latin1 strings or Buffers). */
export function encodePax(records: Record<string, string | Buffer>): Buffer {
  const parts: Buffer[] = [];
  for (const [key, value] of Object.entries(records)) {
    const v = typeof value === 'string' ? Buffer.from(value, key.startsWith(XATTR_PREFIX) ? 'latin1' : 'utf8') : value;
    const body = Buffer.concat([Buffer.from(` ${key}=`), v, Buffer.from('\n')]);
    // The length prefix counts itself: find the fixed point.
    let len = body.length + 1;
    while (String(len).length + body.length !== len) len = String(len).length + body.length;
    parts.push(Buffer.from(String(len), 'latin1'), body);
  }
  return Buffer.concat(parts);
}

/** Entry mtime with the PAX sub-second part when present (seconds since the epoch). */
export function paxTime(header: { mtime?: Date; pax?: PaxRecords | null }, key: 'mtime' | 'atime'): number | undefined {
  const v = header.pax?.[key];
  if (v === undefined) return key === 'mtime' && header.mtime ? header.mtime.getTime() / 1000 : undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
