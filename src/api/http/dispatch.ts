// One request's way through the API: version prefix, route match, handler, and docker's JSON
// error replies (on the response, or written raw on a hijacked socket).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorMessage, NotFoundError, NotModifiedError } from '../../errors.js';
import { MAX_API_VERSION } from '../../engine-api-version.js';
import { splitVersion } from './api-version.js';
import { statusOf } from './error-status.js';
import { SERVER_HEADERS, sendJson } from './responses.js';
import type { RequestContext, Router } from './router.js';

const TRACE = Boolean(process.env.BERTH_TRACE);

function sendError(res: ServerResponse, err: unknown, debug: boolean): void {
  const status = statusOf(err);
  if (status === 500 && debug) console.error(err);
  if (err instanceof NotModifiedError || status === 304) {
    res.writeHead(304, SERVER_HEADERS);
    res.end();
    return;
  }
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { message: errorMessage(err) });
}

function rawError(socket: Duplex, err: unknown): void {
  const status = statusOf(err);
  const body = JSON.stringify({ message: errorMessage(err) }) + '\n';
  socket.end(`HTTP/1.1 ${status} Error\r\nContent-Type: application/json\r\nApi-Version: ${MAX_API_VERSION}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** Runs the handler `router` matches; `res` is absent for an upgraded (hijacked) request. */
export async function dispatch(router: Router, req: IncomingMessage, res: ServerResponse | undefined, upgrade?: { socket: Duplex; head: Buffer }, debug = false): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://berth');
  try {
    const { version, path } = splitVersion(url.pathname);
    const m = router.match(req.method ?? 'GET', path);
    if (!m) throw new NotFoundError(`page not found`);
    if ('allowed' in m) {
      if (res) {
        res.writeHead(405, { ...SERVER_HEADERS, 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: 'method not allowed' }) + '\n');
      } else rawError(upgrade!.socket, new Error('method not allowed'));
      return;
    }
    const ctx: RequestContext = { req, params: m.params, query: url.searchParams, version, ...(res ? { res } : {}), ...(upgrade ? { upgrade } : {}) };
    const t0 = TRACE ? performance.now() : 0;
    if (TRACE) console.error(`trace ${Date.now() % 100000} > ${req.method} ${url.pathname}`);
    await m.handler(ctx);
    if (TRACE) console.error(`trace ${Date.now() % 100000} < ${req.method} ${url.pathname} ${(performance.now() - t0).toFixed(1)}ms`);
  } catch (err) {
    if (res) sendError(res, err, debug);
    else if (upgrade) rawError(upgrade.socket, err);
  }
}
