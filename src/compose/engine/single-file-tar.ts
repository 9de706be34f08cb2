// A ustar archive holding one regular file: the body PUT /containers/{id}/archive takes for a
// secret or config file. Small on purpose: compose never needs more than one file at a time.
const BLOCK = 512;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

export function singleFileTar(name: string, content: Buffer, mode: number, uid: number, gid: number): Buffer {
  const header = Buffer.alloc(BLOCK, 0);
  header.write(name, 0, 100, 'utf8');
  header.write(octal(mode & 0o7777, 8), 100, 'ascii');
  header.write(octal(uid, 8), 108, 'ascii');
  header.write(octal(gid, 8), 116, 'ascii');
  header.write(octal(content.length, 12), 124, 'ascii');
  header.write(octal(Math.floor(Date.now() / 1000), 12), 136, 'ascii');
  header.write('        ', 148, 'ascii'); // checksum counted as spaces
  header.write('0', 156, 'ascii');
  header.write('ustar\0' + '00', 257, 'ascii');
  let sum = 0;
  for (const b of header) sum += b;
  header.write(octal(sum, 7) + ' ', 148, 'ascii');
  const pad = (BLOCK - (content.length % BLOCK)) % BLOCK;
  return Buffer.concat([header, content, Buffer.alloc(pad), Buffer.alloc(BLOCK * 2)]);
}
