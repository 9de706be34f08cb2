// Valid tar archives to start from: random entries (long and non-ASCII names, big ids, xattrs,
// links, devices) written by berth's own encoder, plus GNU long-name records and PAX sparse
// markers written by hand, so the reader's every header kind is reached.
import fc from 'fast-check';
import { BLOCK, END_OF_ARCHIVE, type TarEntry, type TarEntryType, dataPadding, encodeTarHeader } from '../../../../src/snapshot/tar-header.js';
import { encodePax } from '../../../../src/snapshot/tar-pax.js';

export interface SampleEntry {
  entry: TarEntry;
  data: Buffer;
}

const TYPES: TarEntryType[] = ['file', 'file', 'file', 'directory', 'symlink', 'link', 'fifo', 'character-device', 'block-device'];
const segment = fc.oneof(
  fc.stringMatching(/^[a-z0-9._-]{1,12}$/),
  fc.constantFrom('..', '.', 'ünï', '😀', 'a'.repeat(120), '.wh.x', '.wh..wh..opq', 'sp ace'),
);
const path = fc.array(segment, { minLength: 1, maxLength: 14 }).map((p) => p.join('/'));

export const sampleEntry: fc.Arbitrary<SampleEntry> = fc
  .record({
    type: fc.constantFrom(...TYPES), name: path, mode: fc.nat({ max: 0o7777 }), uid: fc.oneof(fc.nat({ max: 70000 }), fc.constant(4_000_000_000)),
    gid: fc.nat({ max: 70000 }), data: fc.uint8Array({ maxLength: 1200 }), linkname: path, mtime: fc.nat({ max: 2_000_000_000 }),
    xattr: fc.option(fc.uint8Array({ minLength: 1, maxLength: 20 }), { nil: undefined }),
  })
  .map((r) => {
    const data = r.type === 'file' ? Buffer.from(r.data) : Buffer.alloc(0);
    const entry: TarEntry = {
      name: r.name, type: r.type, mode: r.mode, uid: r.uid, gid: r.gid, size: data.length, mtime: r.mtime,
      ...(r.type === 'symlink' || r.type === 'link' ? { linkname: r.linkname } : {}),
      ...(r.type.endsWith('device') ? { devmajor: 1, devminor: 3 } : {}),
      ...(r.xattr ? { xattrs: { 'user.fuzz': Buffer.from(r.xattr) } } : {}),
    };
    return { entry, data };
  });

export function encodeEntries(entries: SampleEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const { entry, data } of entries) parts.push(encodeTarHeader(entry), data, dataPadding(data.length));
  parts.push(END_OF_ARCHIVE);
  return Buffer.concat(parts);
}

/** A header block with another type flag (checksum redone): GNU 'L'/'K', 'S' sparse, 'g' global PAX. */
export function retyped(block: Buffer, flag: string): Buffer {
  const b = Buffer.from(block.subarray(0, BLOCK));
  b.write(flag, 156, 1, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of b) sum += byte;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return b;
}

/** A metadata record (GNU long name/link, PAX local/global) with its body. */
export function metaRecord(flag: 'L' | 'K' | 'x' | 'g', body: Buffer): Buffer {
  const head = retyped(encodeTarHeader({ name: '././@LongLink', type: 'file', mode: 0o644, size: body.length }), flag);
  return Buffer.concat([head, body, dataPadding(body.length)]);
}

const special = fc.oneof(
  fc.string({ minLength: 100, maxLength: 400 }).map((n) => metaRecord('L', Buffer.from(`${n}\0`))),
  fc.string({ minLength: 1, maxLength: 300 }).map((n) => metaRecord('K', Buffer.from(n))),
  fc.constant(metaRecord('x', encodePax({ 'GNU.sparse.major': '1', 'GNU.sparse.minor': '0', 'GNU.sparse.name': 'sp' }))),
  fc.constant(metaRecord('g', encodePax({ comment: 'global', mtime: '1.5' }))),
  fc.constant(metaRecord('x', encodePax({ size: '99999999999999999999', path: 'big' }))),
  fc.constant(retyped(encodeTarHeader({ name: 'sparse', type: 'file', mode: 0o644, size: 0 }), 'S')),
);

/** A valid archive, or one with extra GNU/PAX records spliced between entries. */
export const sampleTar: fc.Arbitrary<Buffer> = fc
  .tuple(fc.array(sampleEntry, { maxLength: 8 }), fc.array(fc.tuple(fc.nat(), special), { maxLength: 2 }))
  .map(([entries, extras]) => {
    const blocks = entries.map((e) => encodeEntries([e]).subarray(0, -END_OF_ARCHIVE.length));
    for (const [at, rec] of extras) blocks.splice(at % (blocks.length + 1), 0, rec);
    return Buffer.concat([...blocks, END_OF_ARCHIVE]);
  });
