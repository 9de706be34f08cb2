// The hostile-archive corpus (issue #18): tars that try to write outside their target, hang a
// reader, exhaust disk or memory, or lie about their digest. Generated here on demand, never kept
// as binaries: every case is a function of a canary directory (the host place an escape would
// reach) and gives its bytes as a stream, so the big ones (10⁶ entries, the gzip bomb) are never
// whole in memory.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { BLOCK, END_OF_ARCHIVE, dataPadding, encodeTarHeader, type TarEntry } from '../../src/snapshot/tar-header.js';

export type HostileEntry = TarEntry & { data?: string | Buffer };

/** What an entry point must do with a case: refuse it, or take it without harm (docker takes devices, FIFOs, setuid). */
export type Expectation = 'refused' | 'accepted';

export interface HostileCase {
  name: string;
  /** docker's answer for a layer (import/load/pull); build contexts and `cp` may differ, see the tests. */
  layer: Expectation;
  /** The uncompressed (or, for the bomb, gzip) bytes, streamed. */
  stream(canary: string): Readable;
  /** Whether the stream is gzip already (else a plain tar). */
  gzip?: boolean;
}

/** One entry's blocks: header (PAX when needed) + data + padding. */
export function entryBytes(e: HostileEntry): Buffer {
  const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data);
  const head = encodeTarHeader({ mtime: 1_600_000_000, uid: 0, gid: 0, ...e, size: e.type === 'file' ? data.length : 0 });
  return e.type === 'file' ? Buffer.concat([head, data, dataPadding(data.length)]) : head;
}

export function hostileTar(entries: HostileEntry[]): Buffer {
  return Buffer.concat([...entries.map(entryBytes), END_OF_ARCHIVE]);
}

/** A raw header block of any type flag, e.g. 'x' (PAX) with a body of our choosing. */
export function rawHeader(name: string, flag: string, size: number): Buffer {
  const b = encodeTarHeader({ name, type: 'file', mode: 0o644, size: 0, mtime: 1_600_000_000 });
  b.write(flag, 156, 1, 'latin1');
  b.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 12, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return b;
}

/** One PAX record, its length prefix counting itself. */
export function paxRecord(key: string, value: string): Buffer {
  const rest = ` ${key}=${value}\n`;
  let n = rest.length + 1;
  while (`${n}${rest}`.length !== n) n++;
  return Buffer.from(`${n}${rest}`);
}

function bytes(b: () => Buffer): (canary: string) => Readable {
  return () => Readable.from([b()]);
}

const file = (name: string, data = 'x', mode = 0o644): HostileEntry => ({ name, type: 'file', mode, data });
const dir = (name: string): HostileEntry => ({ name, type: 'directory', mode: 0o755 });

/** 10⁶ by default: zero-byte files spread over directories of 1000, generated as they are read. */
export function manyEntries(count: number): Readable {
  const perDir = 1000;
  let i = 0;
  return new Readable({
    read() {
      const parts: Buffer[] = [];
      for (let n = 0; n < 2000 && i < count; n++, i++) {
        if (i % perDir === 0) parts.push(entryBytes(dir(`m${i / perDir}`)));
        parts.push(encodeTarHeader({ name: `m${Math.floor(i / perDir)}/f${i % perDir}`, type: 'file', mode: 0o644, size: 0, mtime: 1_600_000_000 }));
      }
      if (parts.length > 0) this.push(Buffer.concat(parts));
      if (i >= count) {
        this.push(END_OF_ARCHIVE);
        this.push(null);
      }
    },
  });
}

/**
 * A gzip bomb: a tar of one file of `total` zero bytes, as concatenated gzip members (each a
 * valid gzip of 64 MiB of zeros, ~64 KiB), so ~10 MB on the wire stands for 10 GB.
 */
export function gzipBomb(total = 10 * 1024 ** 3): Readable {
  const chunk = 64 * 1024 * 1024;
  const zeros = gzipSync(Buffer.alloc(chunk), { level: 9 });
  const head = gzipSync(encodeTarHeader({ name: 'bomb', type: 'file', mode: 0o644, size: total, mtime: 1_600_000_000 }));
  const tail = gzipSync(Buffer.concat([dataPadding(total), END_OF_ARCHIVE]));
  let left = Math.ceil(total / chunk);
  let started = false;
  return new Readable({
    read() {
      if (!started) {
        started = true;
        this.push(head);
        return;
      }
      if (left-- > 0) {
        this.push(zeros);
        return;
      }
      this.push(tail);
      this.push(null);
    },
  });
}

/** The bytes of a gzip bomb's wire form, counted without keeping them (for the docs' figure). */
export async function streamSize(s: Readable): Promise<number> {
  let n = 0;
  for await (const c of s) n += (c as Buffer).length;
  return n;
}

const LONG_COMPONENT = 'p'.repeat(200);

export const HOSTILE_CASES: HostileCase[] = [
  { name: 'dotdot', layer: 'refused', stream: bytes(() => hostileTar([file('a/../../../escape-dotdot')])) },
  { name: 'absolute', layer: 'refused', stream: (c) => Readable.from([hostileTar([file(`${c}/escape-absolute`)])]) },
  {
    name: 'symlink-write-through', layer: 'refused',
    stream: (c) => Readable.from([hostileTar([{ name: 'link', type: 'symlink', mode: 0o777, linkname: c }, file('link/escape-symlink')])]),
  },
  {
    name: 'hardlink-outside', layer: 'refused',
    stream: (c) => Readable.from([hostileTar([{ name: 'hl', type: 'link', mode: 0o644, linkname: `${c}/secret` }])]),
  },
  {
    name: 'hardlink-dotdot', layer: 'refused',
    stream: bytes(() => hostileTar([{ name: 'hl', type: 'link', mode: 0o644, linkname: '../../../../../../etc/shadow' }])),
  },
  {
    name: 'symlink-loop', layer: 'refused',
    stream: bytes(() => hostileTar([
      { name: 'la', type: 'symlink', mode: 0o777, linkname: 'lb' },
      { name: 'lb', type: 'symlink', mode: 0o777, linkname: 'la' },
      file('la/x'),
    ])),
  },
  {
    name: 'devices-fifo', layer: 'accepted',
    stream: bytes(() => hostileTar([
      dir('dev/'),
      { name: 'dev/mem2', type: 'character-device', mode: 0o600, devmajor: 1, devminor: 1 },
      { name: 'dev/sda2', type: 'block-device', mode: 0o600, devmajor: 8, devminor: 0 },
      { name: 'fifo', type: 'fifo', mode: 0o644 },
      file('after-fifo', 'ok'),
    ])),
  },
  { name: 'setuid', layer: 'accepted', stream: bytes(() => hostileTar([file('suid', '#!/bin/sh\n', 0o4755), file('sgid', 'x', 0o2755)])) },
  { name: 'path-64k', layer: 'refused', stream: bytes(() => hostileTar([file(Array.from({ length: 330 }, () => LONG_COMPONENT).join('/'))])) },
  { name: 'component-64k', layer: 'refused', stream: bytes(() => hostileTar([file('q'.repeat(65536))])) },
  {
    // A PAX record whose length runs past the end of its header body.
    name: 'pax-record-overflow', layer: 'refused',
    stream: bytes(() => {
      const body = Buffer.from('99999 path=x\n');
      return Buffer.concat([rawHeader('PaxHeaders/x', 'x', body.length), body, dataPadding(body.length), entryBytes(file('x')), END_OF_ARCHIVE]);
    }),
  },
  {
    // A PAX header that claims 8 GiB of records.
    name: 'pax-header-huge', layer: 'refused',
    stream: bytes(() => Buffer.concat([rawHeader('PaxHeaders/x', 'x', 8 * 1024 ** 3), Buffer.alloc(BLOCK * 4), END_OF_ARCHIVE])),
  },
  {
    // A PAX size far beyond a safe integer for an entry with no data.
    name: 'pax-size-overflow', layer: 'refused',
    stream: bytes(() => {
      const body = paxRecord('size', '9'.repeat(30));
      return Buffer.concat([rawHeader('PaxHeaders/x', 'x', body.length), body, dataPadding(body.length), entryBytes(file('x')), END_OF_ARCHIVE]);
    }),
  },
];

/** 10⁶ entries take ~2 minutes to unpack on the test machine: the suite runs 10⁵, BERTH_HOSTILE_FULL=1 the full count. */
export const MANY_ENTRIES = process.env.BERTH_HOSTILE_FULL === '1' ? 1_000_000 : 100_000;

export function sha256Hex(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}
