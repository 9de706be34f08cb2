// What ADD does beyond COPY: URL sources downloaded (file mode 0600, mtime from Last-Modified,
// like docker) and local tar archives — plain, gzip, bzip2 or xz — unpacked into the destination.
import { open, utimes, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { execProgram, ranAndFailed } from '../sys/exec-program.js';

export function isUrl(src: string): boolean {
  return /^https?:\/\//i.test(src);
}

/** Downloads `url` into `dir`; returns the file name used. */
export async function downloadSource(url: string, dir: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (err) {
    throw new InvalidArgumentError(`failed to load ${url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`);
  }
  if (!res.ok) throw new InvalidArgumentError(`failed to load ${url}: invalid response status ${res.status}`);
  let name = posix.basename(new URL(url).pathname);
  const disposition = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '');
  if (disposition?.[1]) name = posix.basename(disposition[1]);
  if (!name || name === '/' || name === '.' || name === '..') name = '__unnamed__';
  const path = join(dir, name);
  await writeFile(path, Buffer.from(await res.arrayBuffer()), { mode: 0o600 });
  const modified = res.headers.get('last-modified');
  if (modified && !Number.isNaN(Date.parse(modified))) await utimes(path, new Date(modified), new Date(modified));
  return name;
}

/** Whether a file is a tar archive docker's ADD unpacks (by content, not by name). */
export async function isArchive(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    const b = buf.subarray(0, bytesRead);
    if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) return true;
    if (b.length >= 3 && b.subarray(0, 3).toString('latin1') === 'BZh') return true;
    if (b.length >= 6 && b.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return true;
    return b.length >= 262 && b.subarray(257, 262).toString('latin1') === 'ustar';
  } finally {
    await fh.close();
  }
}

/** Unpacks an archive into `destDir` (owners and modes kept, as docker's ADD does). */
export async function extractArchive(archive: string, destDir: string): Promise<void> {
  try {
    await execProgram('tar', ['-x', '-f', archive, '-C', destDir, '--same-owner', '-p', '--no-overwrite-dir'], { maxBuffer: 16 << 20 });
  } catch (err) {
    if (!ranAndFailed(err)) throw err;
    throw new InvalidArgumentError(`failed to extract ${posix.basename(archive)}: ${err.stderr.trim()}`);
  }
}
