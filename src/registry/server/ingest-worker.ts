// Worker thread that writes ingest files and hashes them. The server's main thread hands over
// each request chunk (its memory moves, nothing is copied) and goes back to receiving, so
// receiving and sha256 run on two cores. One worker serves many ingests, named by id.
import { close, closeSync, fdatasync, fsync, openSync, readSync, writevSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { DigestAlgorithm } from '../../oci/digest.js';

export type IngestRequest =
  | { op: 'open'; id: number; path: string; algorithm: DigestAlgorithm; resume: boolean }
  | { op: 'write'; id: number; chunks: Uint8Array[] }
  | { op: 'finish'; id: number }
  | { op: 'close'; id: number };

export type IngestReply =
  | { op: 'opened'; id: number; offset: number }
  | { op: 'written'; id: number; bytes: number }
  | { op: 'finished'; id: number; digest: string; size: number }
  | { op: 'closed'; id: number }
  | { op: 'failed'; id: number; during: IngestRequest['op']; message: string; code?: string };

interface Ingest {
  fd: number;
  hash: Hash;
  algorithm: DigestAlgorithm;
  size: number;
  unsynced: number;
}

/** Bytes written between background flushes, so the fsync at commit has little left to do. */
const SYNC_EVERY = 32 << 20;

const ingests = new Map<number, Ingest>();

function open(path: string, algorithm: DigestAlgorithm, resume: boolean): Ingest {
  const hash = createHash(algorithm);
  let size = 0;
  if (resume) {
    // Re-hash what an earlier attempt left so the final digest covers all of it.
    let fd: number | undefined;
    try {
      fd = openSync(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    if (fd !== undefined) {
      try {
        const buf = Buffer.allocUnsafe(1 << 20);
        for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; size += n) hash.update(buf.subarray(0, n));
      } finally {
        closeSync(fd);
      }
    }
  }
  const fd = openSync(path, size > 0 ? 'a' : 'w');
  return { fd, hash, algorithm, size, unsynced: 0 };
}

function write(ing: Ingest, chunks: Uint8Array[]): number {
  let bytes = 0;
  for (const c of chunks) bytes += c.byteLength;
  let written = 0;
  let rest = chunks;
  while (written < bytes) {
    const n = writevSync(ing.fd, rest);
    written += n;
    if (written < bytes) rest = remaining(chunks, written);
  }
  for (const c of chunks) ing.hash.update(c);
  ing.size += bytes;
  ing.unsynced += bytes;
  if (ing.unsynced >= SYNC_EVERY) {
    ing.unsynced = 0;
    fdatasync(ing.fd, () => undefined);
  }
  return bytes;
}

/** The chunks after the first `skip` bytes (after a short writev). */
function remaining(chunks: Uint8Array[], skip: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const c of chunks) {
    if (skip >= c.byteLength) {
      skip -= c.byteLength;
      continue;
    }
    out.push(skip > 0 ? c.subarray(skip) : c);
    skip = 0;
  }
  return out;
}

function handle(msg: IngestRequest): IngestReply | Promise<IngestReply> {
  switch (msg.op) {
    case 'open': {
      const ing = open(msg.path, msg.algorithm, msg.resume);
      ingests.set(msg.id, ing);
      return { op: 'opened', id: msg.id, offset: ing.size };
    }
    case 'write': {
      const ing = ingests.get(msg.id);
      if (!ing) throw new Error('ingest is not open');
      return { op: 'written', id: msg.id, bytes: write(ing, msg.chunks) };
    }
    case 'finish': {
      const ing = ingests.get(msg.id);
      if (!ing) throw new Error('ingest is not open');
      ingests.delete(msg.id);
      const reply: IngestReply = { op: 'finished', id: msg.id, digest: `${ing.algorithm}:${ing.hash.digest('hex')}`, size: ing.size };
      // The fsync runs off this thread: other ingests on this worker go on meanwhile.
      return new Promise<IngestReply>((resolve, reject) => {
        fsync(ing.fd, (err) => {
          close(ing.fd, () => (err ? reject(err) : resolve(reply)));
        });
      });
    }
    case 'close': {
      const ing = ingests.get(msg.id);
      ingests.delete(msg.id);
      if (ing) closeSync(ing.fd);
      return { op: 'closed', id: msg.id };
    }
  }
}

function failure(msg: IngestRequest, err: unknown): IngestReply {
  const e = err as NodeJS.ErrnoException;
  const ing = ingests.get(msg.id);
  if (ing) {
    ingests.delete(msg.id);
    try {
      closeSync(ing.fd);
    } catch {
      // already failing
    }
  }
  return { op: 'failed', id: msg.id, during: msg.op, message: e.message, ...(e.code ? { code: e.code } : {}) };
}

parentPort!.on('message', (msg: IngestRequest) => {
  let reply: IngestReply | Promise<IngestReply>;
  try {
    reply = handle(msg);
  } catch (err) {
    reply = failure(msg, err);
  }
  if (reply instanceof Promise) {
    reply.then(
      (r) => parentPort!.postMessage(r),
      (err: unknown) => parentPort!.postMessage(failure(msg, err)),
    );
  } else {
    parentPort!.postMessage(reply);
  }
});
