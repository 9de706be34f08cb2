// Encodes tar entry headers (ustar, plus a PAX header when ustar cannot hold a field: long or
// non-ASCII names, big ids or sizes, xattrs). tar-stream's packer cannot write binary PAX values
// (xattrs such as security.capability), so layer and archive writers build headers here and
// stream the blocks themselves.
import { encodePax, XATTR_PREFIX } from './tar-pax.js';

export type TarEntryType = 'file' | 'link' | 'symlink' | 'character-device' | 'block-device' | 'directory' | 'fifo';

export interface TarEntry {
  /** Path inside the archive, without a leading slash; directories may end in '/'. */
  name: string;
  type: TarEntryType;
  mode: number;
  uid?: number;
  gid?: number;
  /** Data bytes that follow (regular files only). */
  size?: number;
  /** Seconds since the epoch (truncated to whole seconds, as docker writes layers). */
  mtime?: number;
  linkname?: string;
  uname?: string;
  gname?: string;
  devmajor?: number;
  devminor?: number;
  xattrs?: Record<string, Buffer>;
}

const TYPEFLAG: Record<TarEntryType, string> = {
  file: '0', link: '1', symlink: '2', 'character-device': '3', 'block-device': '4', directory: '5', fifo: '6',
};

export const BLOCK = 512;
export const END_OF_ARCHIVE = Buffer.alloc(BLOCK * 2);

const MAX_OCTAL_7 = 0o7777777;
const MAX_OCTAL_11 = 0o77777777777;

function isAscii(s: string): boolean {
  return /^[\x01-\x7f]*$/.test(s);
}

function octal(buf: Buffer, off: number, width: number, n: number): void {
  buf.write(`${Math.trunc(n).toString(8).padStart(width - 1, '0')}\0`, off, width, 'latin1');
}

/** Splits a name into ustar's prefix (155) + name (100), or undefined when it does not fit. */
function splitUstarName(name: string): [string, string] | undefined {
  if (!isAscii(name)) return undefined;
  if (name.length <= 100) return ['', name];
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (prefix.length <= 155 && rest.length <= 100 && rest.length > 0) return [prefix, rest];
  }
  return undefined;
}

function ustarBlock(e: TarEntry, name: [string, string], linkname: string, typeflag: string, size: number): Buffer {
  const b = Buffer.alloc(BLOCK);
  b.write(name[1], 0, 100, 'latin1');
  octal(b, 100, 8, e.mode & 0o7777);
  octal(b, 108, 8, Math.min(e.uid ?? 0, MAX_OCTAL_7));
  octal(b, 116, 8, Math.min(e.gid ?? 0, MAX_OCTAL_7));
  octal(b, 124, 12, Math.min(size, MAX_OCTAL_11));
  octal(b, 136, 12, Math.max(0, Math.min(Math.floor(e.mtime ?? 0), MAX_OCTAL_11)));
  b.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  b.write(typeflag, 156, 1, 'latin1');
  b.write(linkname, 157, 100, 'latin1');
  b.write('ustar\x0000', 257, 8, 'latin1');
  b.write((e.uname ?? '').slice(0, 31), 265, 32, 'latin1');
  b.write((e.gname ?? '').slice(0, 31), 297, 32, 'latin1');
  if (e.type === 'character-device' || e.type === 'block-device') {
    octal(b, 329, 8, e.devmajor ?? 0);
    octal(b, 337, 8, e.devminor ?? 0);
  }
  b.write(name[0], 345, 155, 'latin1');
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return b;
}

function padding(n: number): Buffer {
  const r = n % BLOCK;
  return r === 0 ? Buffer.alloc(0) : Buffer.alloc(BLOCK - r);
}

/** Padding that follows `size` bytes of entry data. */
export function dataPadding(size: number): Buffer {
  return padding(size);
}

/** The header block(s) of one entry: an optional PAX header and the ustar header. */
export function encodeTarHeader(e: TarEntry): Buffer {
  let name = e.name;
  if (e.type === 'directory' && !name.endsWith('/')) name += '/';
  const size = e.type === 'file' ? e.size ?? 0 : 0;
  const linkname = e.linkname ?? '';
  const pax: Record<string, string | Buffer> = {};
  let split = splitUstarName(name);
  if (!split) {
    pax.path = name;
    split = ['', sanitized(name)];
  }
  let ustarLink = linkname;
  if (!isAscii(linkname) || Buffer.byteLength(linkname) > 100) {
    pax.linkpath = linkname;
    ustarLink = sanitized(linkname);
  }
  if ((e.uid ?? 0) > MAX_OCTAL_7) pax.uid = String(e.uid);
  if ((e.gid ?? 0) > MAX_OCTAL_7) pax.gid = String(e.gid);
  if (size > MAX_OCTAL_11) pax.size = String(size);
  for (const [k, v] of Object.entries(e.xattrs ?? {})) pax[XATTR_PREFIX + k] = v;
  const header = ustarBlock(e, split, ustarLink, TYPEFLAG[e.type], size);
  if (Object.keys(pax).length === 0) return header;
  const body = encodePax(pax);
  const paxName = sanitized(`PaxHeaders/${name.replace(/\/$/, '').split('/').pop() ?? ''}`);
  const paxHeader = ustarBlock({ ...e, type: 'file', mode: 0o644 }, ['', paxName], '', 'x', body.length);
  return Buffer.concat([paxHeader, body, padding(body.length), header]);
}

/** An ASCII stand-in of at most 100 bytes for a field whose real value is in the PAX header. */
function sanitized(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '_').slice(-100);
}
