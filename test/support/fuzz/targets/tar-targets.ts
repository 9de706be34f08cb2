// Fuzz targets for the tar codec layers are read with (src/snapshot/tar-*.ts): the push reader on
// mutated archives (fed in random chunk sizes), the encoder → reader round trip, and PAX records.
import fc from 'fast-check';
import { TarReader, type TarReadHeader } from '../../../../src/snapshot/tar-reader.js';
import { decodePax, encodePax } from '../../../../src/snapshot/tar-pax.js';
import { type FuzzInput, type FuzzTarget, RoundTripError } from '../fuzz-target.js';
import { mutatedBytes } from './mutate.js';
import { encodeEntries, sampleEntry, sampleTar } from './tar-samples.js';

const bytes = (input: FuzzInput): Buffer => (typeof input === 'string' ? Buffer.from(input, 'latin1') : Buffer.from(input));

/**
 * Reads a whole archive; returns the entries. Also checks that no more data comes out than went
 * in (the reader must never invent bytes from a size field: that is the memory bound).
 */
export function readTar(buf: Buffer, chunk = 4096): { headers: TarReadHeader[]; data: Buffer[] } {
  const headers: TarReadHeader[] = [];
  const data: Buffer[] = [];
  let out = 0;
  const reader = new TarReader({
    entry: (h) => { headers.push(h); data.push(Buffer.alloc(0)); },
    data: (c) => {
      out += c.length;
      data[data.length - 1] = Buffer.concat([data[data.length - 1]!, c]);
    },
    end: () => undefined,
  });
  for (let off = 0; off < buf.length; off += chunk) reader.push(buf.subarray(off, off + chunk));
  reader.end();
  if (out > buf.length) throw new RoundTripError(`reader produced ${out} data bytes from ${buf.length} input bytes`);
  return { headers, data };
}

const SPLICES = [Buffer.from('ustar\x0000'), Buffer.from('\x80\xff\xff\xff\xff\xff\xff\xff'), Buffer.from('77777777777'), Buffer.alloc(512), Buffer.from('x')];

export const tarReaderTarget: FuzzTarget = {
  name: 'tar-reader',
  covers: 'snapshot/tar-reader + tar-pax: ustar, GNU long names/links, PAX local/global, sparse refusal, base-256 numbers',
  arbitrary: fc.tuple(fc.oneof(mutatedBytes(sampleTar, SPLICES), fc.uint8Array({ maxLength: 2048 })), fc.integer({ min: 1, max: 1500 }))
    .map(([b, chunk]) => { const out = new Uint8Array(b.length + 2); out.set(b, 2); out[0] = chunk >> 8; out[1] = chunk & 0xff; return out; }),
  run(input) {
    const b = bytes(input);
    // The first two bytes choose the chunk size the archive is pushed in.
    const chunk = Math.max(1, ((b[0] ?? 0) << 8) | (b[1] ?? 1));
    readTar(b.subarray(2), chunk);
  },
};

export const tarRoundTripTarget: FuzzTarget = {
  name: 'tar-round-trip',
  covers: 'snapshot/tar-header → tar-reader: every field written comes back (PAX for long/non-ASCII names, big ids, xattrs)',
  arbitrary: fc.array(sampleEntry, { maxLength: 6 }).map((entries) => new Uint8Array(encodeEntries(entries))),
  run(input) {
    // The input is the encoder's output; re-encoding what the reader saw must give the same bytes.
    const { headers, data } = readTar(bytes(input));
    const again = encodeEntries(headers.map((h, i) => ({
      entry: {
        name: h.name, type: h.type === 'contiguous-file' ? 'file' : h.type, mode: h.mode, uid: h.uid, gid: h.gid, size: h.size,
        mtime: h.mtime.getTime() / 1000, ...(h.linkname ? { linkname: h.linkname } : {}),
        ...(h.type.endsWith('device') ? { devmajor: h.devmajor, devminor: h.devminor } : {}),
        ...(h.pax?.['SCHILY.xattr.user.fuzz'] !== undefined ? { xattrs: { 'user.fuzz': Buffer.from(h.pax['SCHILY.xattr.user.fuzz'], 'latin1') } } : {}),
      },
      data: data[i]!,
    })));
    if (!again.equals(bytes(input))) throw new RoundTripError('re-encoding the entries read gave other bytes');
  },
};

const paxRecords = fc.dictionary(
  fc.oneof(fc.stringMatching(/^[a-zA-Z.]{1,20}$/), fc.constantFrom('path', 'linkpath', 'SCHILY.xattr.user.a', 'SCHILY.xattr.security.capability')),
  fc.oneof(fc.string({ maxLength: 300 }), fc.constant('\n=\n')),
);

export const paxTarget: FuzzTarget = {
  name: 'pax-records',
  covers: 'snapshot/tar-pax: decode of arbitrary and mutated record bytes',
  arbitrary: fc.oneof(fc.uint8Array({ maxLength: 400 }), mutatedBytes(paxRecords.map((r) => encodePax(r)))),
  run(input) {
    decodePax(bytes(input));
  },
};

export const paxRoundTripTarget: FuzzTarget = {
  name: 'pax-round-trip',
  covers: 'snapshot/tar-pax: encode → decode gives the records back (input: the records as JSON)',
  arbitrary: paxRecords.map((r) => JSON.stringify(r)),
  run(input) {
    const records = JSON.parse(typeof input === 'string' ? input : Buffer.from(input).toString('utf8')) as Record<string, string>;
    const back = decodePax(encodePax(records));
    if (JSON.stringify(back) !== JSON.stringify(records)) throw new RoundTripError(`${JSON.stringify(records)} came back as ${JSON.stringify(back)}`);
  },
};
