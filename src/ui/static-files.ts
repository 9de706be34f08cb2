// The dashboard's built front end (index.html, app.js, app.css, fonts…), served from one folder,
// gzip-compressed once in memory when the browser accepts it. Unknown paths get index.html: the
// page routes by its own URL hash, but a reload on any path still loads the app.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isErrno } from '../errors.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

interface Asset {
  type: string;
  raw: Buffer;
  gzip: Buffer;
}

export class StaticFiles {
  private readonly cache = new Map<string, Promise<Asset | undefined>>();

  constructor(private readonly dir: string) {}

  /** Serves a GET or HEAD for `path` (already stripped of its query). */
  async serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const rel = normalize(decodeURIComponent(path)).replace(/^(\.\.(\/|$))+/, '').replace(/^\/+/, '');
    const asset = (rel && (await this.load(rel))) || (await this.load('index.html'));
    if (!asset) {
      res.writeHead(503, { 'Content-Type': 'text/plain' }).end('the dashboard is not built: run npm run build\n');
      return;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? asset.gzip : asset.raw;
    res.writeHead(200, { 'Content-Type': asset.type, 'Content-Length': body.length, ...(gzip ? { 'Content-Encoding': 'gzip' } : {}), Vary: 'Accept-Encoding' });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  private load(rel: string): Promise<Asset | undefined> {
    let p = this.cache.get(rel);
    if (!p) {
      p = readFile(join(this.dir, rel)).then(
        (raw) => ({ type: TYPES[extname(rel)] ?? 'application/octet-stream', raw, gzip: gzipSync(raw, { level: 9 }) }),
        (err: unknown) => {
          if (isErrno(err, 'ENOENT') || isErrno(err, 'EISDIR')) return undefined;
          throw err;
        },
      );
      this.cache.set(rel, p);
    }
    return p;
  }
}
