// Getting one blob into a repository: HEAD first, then a cross-repository mount where the registry
// offers it, else an upload session: monolithic (one PUT with the body) or chunked (PATCHes with
// Content-Range, then the closing PUT). A stream of unknown size goes up in one streamed PATCH.
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { BerthError } from '../../errors.js';
import type { Digest } from '../../oci/digest.js';
import { header, type RegistryResponse, type RepositoryClient } from './repository-client.js';
import type { RegistryEndpoint } from './registry-hosts.js';

export type UploadOutcome = { kind: 'exists' } | { kind: 'mounted'; from: string } | { kind: 'uploaded' };

export interface UploadSession {
  location: string;
  endpoint: RegistryEndpoint;
}

export async function blobExists(client: RepositoryClient, digest: Digest, signal?: AbortSignal): Promise<boolean> {
  const res = await client.send({ method: 'HEAD', path: `/v2/${client.path}/blobs/${digest}`, signal });
  await res.body.dump().catch(() => undefined);
  if (res.statusCode === 200) return true;
  if (res.statusCode === 404) return false;
  throw await client.responseError(res);
}

function locationOf(res: RegistryResponse): string {
  const loc = header(res, 'location');
  if (!loc) throw new BerthError(`registry did not return an upload location (status ${res.statusCode})`);
  return new URL(loc, res.endpoint.url + '/').toString();
}

/** Tries to mount `digest` from each repository in turn; returns the repository or an upload session the registry opened instead. */
export async function tryMount(client: RepositoryClient, digest: Digest, from: string[], signal?: AbortSignal): Promise<{ mountedFrom?: string; session?: UploadSession }> {
  let session: UploadSession | undefined;
  for (const repo of from) {
    const res = await client.send({
      method: 'POST',
      path: `/v2/${client.path}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(repo)}`,
      extraScopes: [`repository:${repo}:pull`],
      headers: { 'content-length': '0' },
      body: '',
      signal,
    });
    await res.body.dump().catch(() => undefined);
    if (res.statusCode === 201) {
      if (session) await cancelUpload(client, session);
      return { mountedFrom: repo };
    }
    if (res.statusCode === 202) {
      // The registry could not mount and opened a plain upload instead; keep the first.
      const s = { location: locationOf(res), endpoint: res.endpoint };
      if (session) await cancelUpload(client, s);
      else session = s;
      continue;
    }
    if (res.statusCode === 401 || res.statusCode === 403 || res.statusCode === 404) continue;
    throw await client.responseError(res);
  }
  return { session };
}

export async function startUpload(client: RepositoryClient, signal?: AbortSignal): Promise<UploadSession> {
  const res = await client.call({ method: 'POST', path: `/v2/${client.path}/blobs/uploads/`, headers: { 'content-length': '0' }, body: '', signal }, [202]);
  await res.body.dump().catch(() => undefined);
  return { location: locationOf(res), endpoint: res.endpoint };
}

async function cancelUpload(client: RepositoryClient, s: UploadSession): Promise<void> {
  const res = await client.send({ method: 'DELETE', path: s.location, endpoint: s.endpoint }).catch(() => undefined);
  await res?.body.dump().catch(() => undefined);
}

function withDigest(location: string, digest: Digest): string {
  const u = new URL(location);
  u.searchParams.set('digest', digest);
  return u.toString();
}

/** Counts bytes going up, for "Pushing" progress. */
export function byteCounter(onBytes: (n: number) => void): Transform {
  let n = 0;
  return new Transform({
    highWaterMark: 1 << 20,
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      n += chunk.length;
      onBytes(n);
      cb(null, chunk);
    },
  });
}

/** One PUT carrying the whole blob. */
export async function uploadMonolithic(client: RepositoryClient, s: UploadSession, digest: Digest, size: number, body: Readable, signal?: AbortSignal): Promise<void> {
  const res = await client.call(
    {
      method: 'PUT',
      path: withDigest(s.location, digest),
      endpoint: s.endpoint,
      headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body,
      signal,
    },
    [201, 204],
  );
  await res.body.dump().catch(() => undefined);
}

/** PATCHes of at most `chunkSize` bytes with Content-Range, then the closing PUT. */
export async function uploadChunked(client: RepositoryClient, s: UploadSession, digest: Digest, body: Readable, chunkSize: number, signal?: AbortSignal): Promise<void> {
  let location = s.location;
  let offset = 0;
  let pending: Buffer[] = [];
  let pendingLen = 0;
  const flush = async (buf: Buffer): Promise<void> => {
    const res = await client.call(
      {
        method: 'PATCH',
        path: location,
        endpoint: s.endpoint,
        headers: {
          'content-type': 'application/octet-stream',
          'content-length': String(buf.length),
          'content-range': `${offset}-${offset + buf.length - 1}`,
        },
        body: buf,
        signal,
      },
      [202],
    );
    await res.body.dump().catch(() => undefined);
    location = locationOf(res);
    offset += buf.length;
  };
  for await (const chunk of body as AsyncIterable<Buffer>) {
    pending.push(chunk);
    pendingLen += chunk.length;
    while (pendingLen >= chunkSize) {
      const all = Buffer.concat(pending);
      await flush(all.subarray(0, chunkSize));
      const rest = all.subarray(chunkSize);
      pending = rest.length ? [rest] : [];
      pendingLen = rest.length;
    }
  }
  if (pendingLen > 0) await flush(Buffer.concat(pending));
  const res = await client.call({ method: 'PUT', path: withDigest(location, digest), endpoint: s.endpoint, headers: { 'content-length': '0' }, body: '', signal }, [201, 204]);
  await res.body.dump().catch(() => undefined);
}

/** One streamed PATCH of unknown length (docker's way), then the PUT with the digest computed on the way. */
export async function uploadStreamed(client: RepositoryClient, s: UploadSession, body: Readable, digestWhenDone: () => Promise<Digest>, signal?: AbortSignal): Promise<Digest> {
  const res = await client.call(
    { method: 'PATCH', path: s.location, endpoint: s.endpoint, headers: { 'content-type': 'application/octet-stream' }, body, signal },
    [202],
  );
  await res.body.dump().catch(() => undefined);
  const digest = await digestWhenDone();
  const put = await client.call({ method: 'PUT', path: withDigest(locationOf(res), digest), endpoint: s.endpoint, headers: { 'content-length': '0' }, body: '', signal }, [201, 204]);
  await put.body.dump().catch(() => undefined);
  return digest;
}
