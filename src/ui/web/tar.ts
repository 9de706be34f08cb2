// Just enough tar for the file browser: list and extract the entries of the archive endpoint's
// reply (ustar, with pax path/size records), and wrap one uploaded file into an archive.
export interface TarEntry {
  name: string;
  type: 'file' | 'dir' | 'link' | 'other';
  size: number;
  mode: number;
  mtime: number;
  data: Uint8Array;
}

const dec = new TextDecoder();
const str = (b: Uint8Array, off: number, len: number): string => dec.decode(b.subarray(off, off + len)).replace(/\0.*$/s, '');
const octal = (b: Uint8Array, off: number, len: number): number => parseInt(str(b, off, len).trim() || '0', 8);

export function readTar(buf: Uint8Array): TarEntry[] {
  const out: TarEntry[] = [];
  let pax: Record<string, string> = {};
  for (let off = 0; off + 512 <= buf.length; ) {
    if (buf.subarray(off, off + 512).every((x) => x === 0)) break;
    const flag = String.fromCharCode(buf[off + 156]!);
    let size = octal(buf, off + 124, 12);
    const prefix = str(buf, off + 345, 155);
    let name = (prefix ? `${prefix}/` : '') + str(buf, off + 0, 100);
    const data = buf.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (flag === 'x') {
      pax = {};
      for (const rec of dec.decode(data).split('\n')) {
        const m = /^\d+ ([^=]+)=(.*)$/.exec(rec);
        if (m) pax[m[1]!] = m[2]!;
      }
      continue;
    }
    if (flag === 'g') continue;
    if (pax.path) name = pax.path;
    if (pax.size) size = Number(pax.size);
    pax = {};
    const type = flag === '5' ? 'dir' : flag === '0' || flag === '\0' ? 'file' : flag === '2' || flag === '1' ? 'link' : 'other';
    out.push({ name: name.replace(/\/$/, ''), type, size, mode: octal(buf, off - 512 - Math.ceil(size / 512) * 512 + 100, 8), mtime: 0, data });
  }
  return out;
}

function header(name: string, size: number, mode: number): Uint8Array {
  const h = new Uint8Array(512);
  const put = (s: string, off: number): void => h.set(new TextEncoder().encode(s), off);
  put(name.slice(0, 99), 0);
  put(mode.toString(8).padStart(7, '0'), 100);
  put('0000000', 108);
  put('0000000', 116);
  put(size.toString(8).padStart(11, '0'), 124);
  put(Math.floor(Date.now() / 1000).toString(8).padStart(11, '0'), 136);
  put('        ', 148);
  h[156] = 48; // '0': a regular file
  put('ustar\u000000', 257);
  const sum = h.reduce((a, b) => a + b, 0);
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

/** A one-file archive for PUT /containers/{id}/archive. */
export function writeTar(name: string, data: Uint8Array, mode = 0o644): Uint8Array {
  const padded = Math.ceil(data.length / 512) * 512;
  const out = new Uint8Array(512 + padded + 1024);
  out.set(header(name, data.length, mode));
  out.set(data, 512);
  return out;
}
