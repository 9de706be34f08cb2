// A failed connection to the daemon, in docker's words. Nothing listening (refused, no socket,
// no permission): "Cannot connect to the berth daemon at …". A connection the daemon took and then
// closed or reset before its answer was whole (a daemon starting or stopping, a keep-alive
// connection it had closed): `error during connect: Get "http://%2Frun%2Fberth%2Fberth.sock/v1.47/…": EOF`
// as Go's url.Error reads, or `unexpected EOF` once part of the answer had come.
import { DaemonConnectionError, DaemonUnreachableError } from './api-error.js';
import type { DaemonHost } from './host.js';
import { MalformedResponseError } from './http1-exchange.js';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EACCES', 'EHOSTUNREACH', 'ENETUNREACH']);
const BROKEN = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

function codeOf(err: unknown): string {
  return String((err as NodeJS.ErrnoException | undefined)?.code ?? '');
}

/** The connection was taken and then broke: closed, reset, or not speaking HTTP. */
export function isBrokenConnection(err: unknown): boolean {
  const code = codeOf(err);
  return BROKEN.has(code) || code.startsWith('HPE_') || err instanceof MalformedResponseError;
}

/** Why it broke, as Go words it. */
function cause(err: unknown): string {
  const code = codeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof MalformedResponseError || code.startsWith('HPE_')) return `malformed HTTP response: ${message}`;
  if (code === 'ECONNRESET') return message === 'socket hang up' ? 'EOF' : message === 'aborted' ? 'unexpected EOF' : 'connection reset by peer';
  if (code === 'EPIPE') return 'write: broken pipe';
  if (code === 'ERR_STREAM_PREMATURE_CLOSE') return 'unexpected EOF';
  return message;
}

/** `Get "http://%2Frun%2Fberth%2Fberth.sock/v1.47/containers/json"`: the request, as docker names it. */
export function requestLabel(host: DaemonHost, tls: boolean, method: string, path: string): string {
  const op = method.charAt(0) + method.slice(1).toLowerCase();
  const authority = host.kind === 'unix' ? encodeURIComponent(host.path) : `${host.host.includes(':') ? `[${host.host}]` : host.host}:${host.port}`;
  return `${op} "${tls ? 'https' : 'http'}://${authority}${path}"`;
}

/** A request that got no answer: unreachable, broken, or (aborted, unknown) as it was. */
export function requestFailure(host: DaemonHost, tls: boolean, method: string, path: string, err: unknown): Error {
  if (UNREACHABLE.has(codeOf(err))) return new DaemonUnreachableError(host.url, err);
  if (isBrokenConnection(err)) return new DaemonConnectionError(`error during connect: ${requestLabel(host, tls, method, path)}: ${cause(err)}`, err);
  return err instanceof Error ? err : new Error(String(err));
}

/** An answer cut short: `unexpected EOF` for a broken connection, else the error as it was. */
export function answerFailure(err: unknown): Error {
  if (isBrokenConnection(err)) return new DaemonConnectionError('unexpected EOF', err);
  return err instanceof Error ? err : new Error(String(err));
}
