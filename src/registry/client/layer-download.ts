// One layer from registry to sink in a single streaming pass: the compressed bytes go to the
// content store's writer and through the decompressor into the sink at the same time; the
// compressed digest and the diffID are both checked before the sink sees the end of its stream,
// so nothing is committed unless both verify. An interrupted download leaves its partial ingest;
// the next attempt resumes it with an HTTP Range request and unpacks from the stored blob.
import { once } from 'node:events';
import { Transform, pipeline, type Readable, type TransformCallback } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { BlobWriter, ContentStore } from '../../content/content-store.js';
import { BerthError, DigestMismatchError, errorMessage } from '../../errors.js';
import { type Digest, Digester, shortId } from '../../oci/digest.js';
import type { Descriptor } from '../../oci/image-spec.js';
import { layerCompression } from '../../oci/media-types.js';
import { createDecompressor } from './layer-decompress.js';
import type { LayerSink } from './layer-sink.js';
import { layerMessage, ProgressThrottle, type ProgressListener } from './progress-message.js';
import { goMethod } from './registry-error.js';
import { type RegistryResponse, type RepositoryClient } from './repository-client.js';
import { recordBlobOrigin } from './blob-origins.js';
import { runShared } from './shared-task.js';

export interface LayerJob {
  client: RepositoryClient;
  store: ContentStore;
  sink: LayerSink;
  desc: Descriptor;
  diffId: Digest;
  emit: ProgressListener;
  signal?: AbortSignal;
  /** Extra attempts after a network failure (each resumes where the last stopped). */
  retries: number;
}

/** Marks failures worth another attempt: the network, not the content. */
class TransientError extends BerthError {}

export function layerVerificationError(desc: Descriptor, detail?: string): DigestMismatchError {
  return new DigestMismatchError(`filesystem layer verification failed for digest ${desc.digest}${detail ? `: ${detail}` : ''}`);
}

function ingestRef(digest: Digest): string {
  return `layer-download-${digest}`;
}

/** Passes the tar stream through while hashing it; `beforeEnd` runs (and may fail) before the end is let through. */
function diffIdVerifier(desc: Descriptor, expected: Digest | undefined, beforeEnd?: () => Promise<void>): Transform {
  const digester = expected ? new Digester() : undefined;
  return new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      digester?.update(chunk);
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      const got = digester?.digest();
      if (expected && got !== expected) {
        cb(layerVerificationError(desc, `uncompressed content has digest ${got}, the image config says ${expected}`));
        return;
      }
      (beforeEnd ? beforeEnd() : Promise.resolve()).then(() => cb(), (err: Error) => cb(err));
    },
  });
}

async function commitVerified(writer: BlobWriter, desc: Descriptor): Promise<void> {
  try {
    await writer.commit();
  } catch (err) {
    if (err instanceof DigestMismatchError) throw layerVerificationError(desc);
    throw err;
  }
}

async function suspendOrAbort(writer: BlobWriter, keep: boolean): Promise<void> {
  const w = writer as BlobWriter & { suspend?: () => Promise<void> };
  if (keep && w.suspend) await w.suspend().catch(() => undefined);
  else await writer.abort().catch(() => undefined);
}

/**
 * Downloads and unpacks a layer unless the sink has it, sharing the work with any other pull in
 * this process that needs the same blob at the same time. Emits the layer's progress messages up
 * to "Download complete"/"Extracting"; the caller says "Pull complete".
 */
export async function fetchLayer(job: LayerJob): Promise<void> {
  const { joined } = await runShared(job.store, job.desc.digest, job.emit, job.signal, (emit, signal) =>
    fetchAndUnpack({ ...job, emit, signal }),
  );
  // Another pull fetched it; unpack from the stored blob if it went into a different sink.
  if (joined && !(await job.sink.has(job.diffId))) {
    await unpackFromStore(job, new ProgressThrottle(job.emit));
  }
}

async function fetchAndUnpack(job: LayerJob): Promise<void> {
  const throttle = new ProgressThrottle(job.emit);
  for (let attempt = 0; ; attempt++) {
    try {
      if (await job.store.info(job.desc.digest)) {
        await unpackFromStore(job, throttle);
      } else {
        await downloadOnce(job, throttle);
      }
      recordBlobOrigin(job.desc.digest, job.client.domain, job.client.path);
      return;
    } catch (err) {
      if (!(err instanceof TransientError) || attempt >= job.retries || job.signal?.aborted) {
        throw err instanceof TransientError ? new BerthError(err.message) : err;
      }
      job.emit(layerMessage(`Retrying in ${attempt + 1} second${attempt === 0 ? '' : 's'}`, shortId(job.desc.digest)));
      await delay(1000 * (attempt + 1), undefined, { signal: job.signal });
    }
  }
}

function blobPath(job: LayerJob): string {
  return `/v2/${job.client.path}/blobs/${job.desc.digest}`;
}

async function getBlob(job: LayerJob, headers?: Record<string, string>): Promise<RegistryResponse> {
  try {
    return await job.client.send({ method: 'GET', path: blobPath(job), headers, signal: job.signal });
  } catch (err) {
    if (job.signal?.aborted) throw err;
    if (err instanceof BerthError && (err as { cause?: unknown }).cause !== undefined) throw new TransientError(err.message);
    throw err;
  }
}

async function downloadOnce(job: LayerJob, throttle: ProgressThrottle): Promise<void> {
  const { desc, store } = job;
  const id = shortId(desc.digest);
  let writer = await store.writer({ ref: ingestRef(desc.digest), expected: desc.digest, expectedSize: desc.size });
  let keepPartial = false;
  let finished = false;
  try {
    if (writer.offset > 0) {
      if (writer.offset < desc.size) {
        const res = await getBlob(job, { range: `bytes=${writer.offset}-` });
        if (res.statusCode === 206) {
          keepPartial = true;
          await pump(job, res, [writer], writer.offset, throttle);
        } else if (res.statusCode === 200) {
          // The registry ignored Range: start over in one pass.
          await writer.abort();
          writer = await store.writer({ ref: ingestRef(desc.digest), expected: desc.digest, expectedSize: desc.size });
          await streamOnePass(job, res, writer, throttle, () => (keepPartial = true));
          finished = true;
          return;
        } else {
          throw await job.client.responseError(res);
        }
      }
      keepPartial = false;
      job.emit(layerMessage('Verifying Checksum', id));
      await commitVerified(writer, desc);
      finished = true;
      job.emit(layerMessage('Download complete', id));
      await unpackFromStore(job, throttle);
      return;
    }
    const res = await getBlob(job);
    if (res.statusCode !== 200) throw await job.client.responseError(res);
    await streamOnePass(job, res, writer, throttle, () => (keepPartial = true));
    finished = true;
  } catch (err) {
    if (!finished) await suspendOrAbort(writer, keepPartial && err instanceof TransientError);
    throw err;
  }
}

/** Copies a response body into writable targets with back-pressure; network failures become TransientError. */
async function pump(job: LayerJob, res: RegistryResponse, targets: NodeJS.WritableStream[], start: number, throttle: ProgressThrottle, signal?: AbortSignal): Promise<void> {
  const id = shortId(job.desc.digest);
  let received = start;
  try {
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > job.desc.size) throw layerVerificationError(job.desc, `more than the ${job.desc.size} bytes its descriptor says`);
      throttle.bytes('Downloading', id, received, job.desc.size);
      const waits: Promise<unknown>[] = [];
      for (const t of targets) if (!t.write(chunk)) waits.push(once(t as unknown as NodeJS.EventEmitter, 'drain', { signal }));
      if (waits.length) await Promise.all(waits);
    }
  } catch (err) {
    if (err instanceof DigestMismatchError || job.signal?.aborted || signal?.aborted) throw err;
    throw new TransientError(`${goMethod('GET')} ${JSON.stringify(res.url)}: unexpected EOF (${errorMessage(err)})`);
  }
  if (received < job.desc.size) {
    throw new TransientError(`${goMethod('GET')} ${JSON.stringify(res.url)}: unexpected EOF after ${received} of ${job.desc.size} bytes`);
  }
}

async function streamOnePass(job: LayerJob, res: RegistryResponse, writer: BlobWriter, throttle: ProgressThrottle, markPartial: () => void): Promise<void> {
  const { desc } = job;
  const id = shortId(desc.digest);
  const local = new AbortController();
  let failure: unknown;
  const decomp = createDecompressor(layerCompression(desc.mediaType));
  const verified = diffIdVerifier(desc, job.sink.verifiesDiffId ? undefined : job.diffId, async () => {
    job.emit(layerMessage('Verifying Checksum', id));
    await commitVerified(writer, desc);
    job.emit(layerMessage('Download complete', id));
  });
  const fail = (err: unknown): void => {
    if (failure === undefined) failure = err;
    local.abort();
    res.body.destroy();
    const e = err instanceof Error ? err : new Error(String(err));
    decomp.destroy(e);
    verified.destroy(e);
  };
  decomp.on('error', (err) => fail(err.message.includes('incorrect header') || err.message.includes('invalid') ? layerVerificationError(desc, err.message) : err));
  decomp.pipe(verified);
  verified.on('error', (err) => fail(err));
  const unpackP = job.sink.unpack(desc, job.diffId, verified);
  unpackP.catch((err) => fail(err));
  markPartial();
  const pumpP = pump(job, res, [writer, decomp], 0, throttle, local.signal).then(() => {
    decomp.end();
  });
  pumpP.catch((err) => fail(err));
  await Promise.allSettled([pumpP, unpackP]);
  if (failure !== undefined) throw failure;
}

/** Unpacks a blob already in the content store (resumed downloads, layers fetched by another pull). */
export async function unpackFromStore(job: LayerJob, throttle: ProgressThrottle): Promise<void> {
  const { desc } = job;
  const id = shortId(desc.digest);
  let read = 0;
  const counter = new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      read += chunk.length;
      throttle.bytes('Extracting', id, read, desc.size);
      cb(null, chunk);
    },
  });
  let failure: unknown;
  const src: Readable = job.store.reader(desc.digest);
  const out = pipeline(src, counter, createDecompressor(layerCompression(desc.mediaType)), diffIdVerifier(desc, job.sink.verifiesDiffId ? undefined : job.diffId), (err) => {
    if (err && failure === undefined) failure = err;
  }) as unknown as Readable;
  try {
    await job.sink.unpack(desc, job.diffId, out);
  } catch (err) {
    src.destroy();
    throw failure ?? err;
  }
  if (failure !== undefined) throw failure;
}
