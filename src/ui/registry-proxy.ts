// The registry browser's way to the configured registry (`berthd --ui-registry URL`): the page's
// `/ui/registry/v2/…` requests, after the session and CSRF checks, go to that registry's own
// /v2/ API: catalog, tags, manifests (GET, HEAD) and tag/manifest deletes. Nothing else passes.
import type { IncomingMessage, ServerResponse } from 'node:http';

const PASSED_REQUEST = ['accept'];
const PASSED_REPLY = ['content-type', 'docker-content-digest', 'link', 'content-length'];

/** The registry path of a `/ui/registry/v2/…` request, or undefined when it may not go there. */
export function registryPath(url: URL): string | undefined {
  const rest = url.pathname.slice('/ui/registry'.length);
  if (rest !== '/v2/_catalog' && !/^\/v2\/[a-z0-9._\/-]+\/(tags\/list|manifests\/[A-Za-z0-9_.:-]+)$/.test(rest)) return undefined;
  if (rest.split('/').includes('..')) return undefined;
  return rest + url.search;
}

/** Forwards one request to `base` + `path` and copies the reply back. */
export async function proxyRegistry(base: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const headers: Record<string, string> = {};
  for (const h of PASSED_REQUEST) if (typeof req.headers[h] === 'string') headers[h] = req.headers[h] as string;
  let r: Response;
  try {
    r = await fetch(base + path, { method, headers, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
  } catch (err) {
    const body = JSON.stringify({ message: `registry ${base} unreachable: ${(err as Error).message}` }) + '\n';
    res.writeHead(502, { 'Content-Type': 'application/json' }).end(body);
    return;
  }
  const out: Record<string, string> = {};
  for (const h of PASSED_REPLY) {
    const v = r.headers.get(h);
    if (v !== null) out[h] = v;
  }
  const body = method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await r.arrayBuffer());
  if (method !== 'HEAD') out['content-length'] = String(body.length);
  res.writeHead(r.status, out).end(body);
}
