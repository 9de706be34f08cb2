// What a request handler gets: the request and response, the matched endpoint, the query, and
// the registry's parts. Plus the few response helpers every handler uses.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RegistryConfig } from './config.js';
import type { PullThroughCache } from './proxy.js';
import type { Route } from './routes.js';
import type { RegistryStorage } from './storage.js';
import type { UploadSessions } from './uploads.js';
import { RegistryError } from './registry-error.js';

export interface Registry {
  config: RegistryConfig;
  storage: RegistryStorage;
  uploads: UploadSessions;
  proxy?: PullThroughCache;
}

export interface Ctx<R extends Route = Route> {
  req: IncomingMessage;
  res: ServerResponse;
  route: R;
  query: URLSearchParams;
  registry: Registry;
  bytesIn: number;
  bytesOut: number;
}

/** Sends a small complete response (HEAD gets the headers only). */
export function send(ctx: Ctx, status: number, headers: Record<string, string | number>, body?: string | Buffer): void {
  const buf = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : body;
  headers['Content-Length'] = buf ? buf.length : 0;
  ctx.res.writeHead(status, headers);
  if (buf && ctx.req.method !== 'HEAD') {
    ctx.bytesOut += buf.length;
    ctx.res.end(buf);
  } else {
    ctx.res.end();
  }
}

export function sendJson(ctx: Ctx, status: number, value: unknown, headers: Record<string, string | number> = {}): void {
  send(ctx, status, { 'Content-Type': 'application/json', ...headers }, JSON.stringify(value));
}

export function sendError(ctx: Ctx, err: RegistryError): void {
  send(ctx, err.status, { 'Content-Type': 'application/json', ...err.headers }, err.body());
}

/** Reads a small request body, refusing more than `limit` bytes with 413. */
export async function readBody(ctx: Ctx, limit: number): Promise<Buffer> {
  const declared = Number(ctx.req.headers['content-length'] ?? NaN);
  if (declared > limit) throw new RegistryError(413, 'SIZE_INVALID', `request body exceeds ${limit} bytes`);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of ctx.req) {
    total += (chunk as Buffer).length;
    if (total > limit) throw new RegistryError(413, 'SIZE_INVALID', `request body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  ctx.bytesIn += total;
  return Buffer.concat(chunks, total);
}

/** Refuses writes in read-only mode (405 UNSUPPORTED, as the CNCF registry does). */
export function assertWritable(ctx: Ctx): void {
  if (ctx.registry.config.readOnly) throw new RegistryError(405, 'UNSUPPORTED', 'the registry is in read-only mode');
}
