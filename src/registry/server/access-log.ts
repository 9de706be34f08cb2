// One JSON line per request on stdout, for log collectors.
import type { IncomingMessage } from 'node:http';

export interface AccessLogEntry {
  req: IncomingMessage;
  /** Taken when the request arrived: a closed socket no longer knows it. */
  remote: string | undefined;
  status: number;
  bytesIn: number;
  bytesOut: number;
  seconds: number;
  user?: string;
  error?: string;
}

export function writeAccessLog(e: AccessLogEntry, out: NodeJS.WritableStream = process.stdout): void {
  const line: Record<string, unknown> = {
    time: new Date().toISOString(),
    remote: e.remote,
    method: e.req.method,
    uri: e.req.url,
    status: e.status,
    bytes_in: e.bytesIn,
    bytes_out: e.bytesOut,
    duration_ms: Math.round(e.seconds * 1e6) / 1e3,
    user_agent: e.req.headers['user-agent'],
  };
  if (e.user) line['user'] = e.user;
  if (e.error) line['error'] = e.error;
  out.write(JSON.stringify(line) + '\n');
}
