// One buffered HTTP/1.1 request and response over a fresh unix-socket connection, on node:net
// alone. Most CLI calls (ping, list, create, start…) are small JSON exchanges; loading node:http
// and its agent for them cost a `berth ps` more time than the daemon takes to answer (see
// docs/cli.md). Streams, upgrades, request bodies that are streams and TCP/TLS stay on node:http.
import { connect } from 'node:net';

export interface BufferedResponse {
  statusCode: number;
  statusMessage: string;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export interface BufferedRequest {
  socketPath: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer | string;
  signal?: AbortSignal;
}

/** Thrown when the response is not HTTP/1.x as this reader understands it. */
export class MalformedResponseError extends Error {}

/** Sends the request with `Connection: close` and resolves with the whole response. */
export function exchange(req: BufferedRequest): Promise<BufferedResponse> {
  return new Promise((resolve, reject) => {
    if (req.signal?.aborted) {
      reject(req.signal.reason);
      return;
    }
    const socket = connect(req.socketPath);
    const reader = new ResponseReader(req.method === 'HEAD');
    let settled = false;
    const finish = (err: unknown, res?: BufferedResponse): void => {
      if (settled) return;
      settled = true;
      req.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (res) resolve(res);
      else reject(err);
    };
    const onAbort = (): void => finish(req.signal!.reason);
    req.signal?.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (err) => finish(err));
    socket.on('data', (chunk: Buffer) => {
      try {
        const res = reader.push(chunk);
        if (res) finish(undefined, res);
      } catch (err) {
        finish(err);
      }
    });
    socket.on('end', () => {
      const res = reader.end();
      if (res) finish(undefined, res);
      // Node's own words for the two cases: closed before the answer began, and in its middle.
      else finish(Object.assign(new Error(reader.started ? 'aborted' : 'socket hang up'), { code: 'ECONNRESET' }));
    });
    // Closed without an end (destroyed): whatever arrived is not a whole answer.
    socket.on('close', () => finish(Object.assign(new Error(reader.started ? 'aborted' : 'socket hang up'), { code: 'ECONNRESET' })));
    socket.write(requestHead(req) + '\r\n');
    if (req.body !== undefined && req.body.length > 0) socket.write(req.body);
  });
}

function requestHead(req: BufferedRequest): string {
  const length = req.body === undefined ? 0 : Buffer.byteLength(req.body);
  let head = `${req.method} ${req.path} HTTP/1.1\r\n`;
  if (!Object.keys(req.headers).some((k) => k.toLowerCase() === 'host')) head += 'Host: api.berth\r\n';
  for (const [k, v] of Object.entries(req.headers)) {
    const lower = k.toLowerCase();
    if (lower !== 'content-length' && lower !== 'connection') head += `${k}: ${v}\r\n`;
  }
  return `${head}Content-Length: ${length}\r\nConnection: close\r\n`;
}

/** Parses one response from the bytes as they arrive: Content-Length, chunked, or until close. */
export class ResponseReader {
  private buf: Buffer = Buffer.alloc(0);
  private head: Omit<BufferedResponse, 'body'> | undefined;
  private readonly chunks: Buffer[] = [];

  constructor(private readonly noBody = false) {}

  /** The status line and headers have come. */
  get started(): boolean {
    return this.head !== undefined;
  }

  /** Feeds bytes; returns the response once it is complete. */
  push(chunk: Buffer): BufferedResponse | undefined {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    while (!this.head) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return undefined;
      const head = parseHead(this.buf.subarray(0, end).toString('latin1'));
      this.buf = this.buf.subarray(end + 4);
      // 1xx answers (100 Continue) precede the real one.
      if (head.statusCode >= 200 || head.statusCode === 101) this.head = head;
    }
    const h = this.head;
    if (this.noBody || h.statusCode === 204 || h.statusCode === 304 || h.statusCode === 101) return this.done();
    if (/\bchunked\b/i.test(h.headers['transfer-encoding'] ?? '')) return this.readChunks();
    const length = h.headers['content-length'];
    if (length !== undefined) {
      const n = Number(length);
      if (!Number.isSafeInteger(n) || n < 0) throw new MalformedResponseError(`bad Content-Length: ${length}`);
      if (this.buf.length < n) return undefined;
      this.chunks.push(this.buf.subarray(0, n));
      return this.done();
    }
    return undefined; // the body runs until the daemon closes the connection
  }

  /** The connection closed: the response, if what arrived makes a whole one. */
  end(): BufferedResponse | undefined {
    const h = this.head;
    if (!h) return undefined;
    if (h.headers['content-length'] !== undefined || /\bchunked\b/i.test(h.headers['transfer-encoding'] ?? '')) return undefined;
    this.chunks.push(this.buf);
    return this.done();
  }

  private readChunks(): BufferedResponse | undefined {
    for (;;) {
      const eol = this.buf.indexOf('\r\n');
      if (eol < 0) return undefined;
      const size = parseInt(this.buf.subarray(0, eol).toString('latin1'), 16);
      if (Number.isNaN(size)) throw new MalformedResponseError('bad chunk size');
      if (size === 0) {
        // Trailers (rare) end with an empty line, as the headers do.
        const rest = this.buf.subarray(eol + 2);
        if (rest.subarray(0, 2).toString('latin1') === '\r\n' || rest.indexOf('\r\n\r\n') >= 0) return this.done();
        return undefined;
      }
      if (this.buf.length < eol + 2 + size + 2) return undefined;
      this.chunks.push(this.buf.subarray(eol + 2, eol + 2 + size));
      this.buf = this.buf.subarray(eol + 2 + size + 2);
    }
  }

  private done(): BufferedResponse {
    return { ...this.head!, body: this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks) };
  }
}

function parseHead(text: string): Omit<BufferedResponse, 'body'> {
  const lines = text.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]!);
  if (!status) throw new MalformedResponseError(`not an HTTP/1.1 response: ${JSON.stringify(lines[0]!.slice(0, 40))}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { statusCode: Number(status[1]), statusMessage: status[2] ?? '', headers };
}
