// PAX extended headers done byte-exactly, around tar-stream. tar-stream decodes PAX records as
// UTF-8 text, which corrupts binary xattr values (security.capability is binary), and cannot
// encode them either. Here records are split by their byte lengths; `SCHILY.xattr.*` values are
// kept as latin1 strings (one char per byte, so `Buffer.from(v, 'latin1')` gives the bytes back)
// and every other value is UTF-8.
import tarStream from 'tar-stream';
import type { Extract, Header } from 'tar-stream';
import { InvalidArgumentError } from '../errors.js';

export const XATTR_PREFIX = 'SCHILY.xattr.';

/** PAX records of an entry: name → value (xattr values in latin1, see above). */
export type PaxRecords = Record<string, string>;

/** A tar-stream entry header with the PAX records (when the entry had any). */
export type TarHeader = Header & { pax?: PaxRecords | null };

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

type ExtractInternals = Extract & {
  _header: { type: string };
  _pax: PaxRecords | null;
  _paxGlobal: PaxRecords | null;
  _decodeLongHeader(buf: Buffer): void;
};

// tar-stream does not export its Extract class; take it from an instance to subclass it.
const ExtractClass = Object.getPrototypeOf(tarStream.extract()).constructor as new (opts?: object) => ExtractInternals;
const baseDecodeLongHeader = ExtractClass.prototype._decodeLongHeader;

class ByteExactPaxExtract extends ExtractClass {
  override _decodeLongHeader(buf: Buffer): void {
    const type = this._header.type;
    if (type === 'pax-global-header') {
      this._paxGlobal = decodePax(buf);
    } else if (type === 'pax-header') {
      const local = decodePax(buf);
      this._pax = this._paxGlobal === null ? local : { ...this._paxGlobal, ...local };
    } else {
      baseDecodeLongHeader.call(this, buf);
    }
  }
}

/** A tar-stream extractor whose headers carry byte-exact PAX records (`header.pax`). */
export function createTarExtract(): Extract {
  return new ByteExactPaxExtract();
}

/** Entry mtime with the PAX sub-second part when present (seconds since the epoch). */
export function paxTime(header: TarHeader, key: 'mtime' | 'atime'): number | undefined {
  const v = header.pax?.[key];
  if (v === undefined) return key === 'mtime' && header.mtime ? header.mtime.getTime() / 1000 : undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
