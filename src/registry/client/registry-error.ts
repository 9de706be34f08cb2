// Errors from a registry, worded as dockerd words them (distribution's errcode client): the
// registry's `{"errors":[{code,message}]}` body becomes "name unknown: repository name not known
// to registry", a token server's `{"details":…}` becomes "unauthorized: …", and so on. The class
// follows the HTTP status so the API layer maps it without knowing about registries.
import { BerthError, ForbiddenError, NotFoundError, UnauthorizedError } from '../../errors.js';

export interface ErrcodeEntry {
  code: string;
  message?: string;
  detail?: unknown;
}

/** The default message of each code the distribution spec registers. */
const CODE_MESSAGES: Record<string, string> = {
  UNKNOWN: 'unknown error',
  UNSUPPORTED: 'The operation is unsupported.',
  UNAUTHORIZED: 'authentication required',
  DENIED: 'requested access to the resource is denied',
  UNAVAILABLE: 'service unavailable',
  TOOMANYREQUESTS: 'too many requests',
  DIGEST_INVALID: 'provided digest did not match uploaded content',
  SIZE_INVALID: 'provided length did not match content length',
  NAME_INVALID: 'invalid repository name',
  TAG_INVALID: 'manifest tag did not match URI',
  NAME_UNKNOWN: 'repository name not known to registry',
  MANIFEST_UNKNOWN: 'manifest unknown',
  MANIFEST_INVALID: 'manifest invalid',
  MANIFEST_UNVERIFIED: 'manifest failed signature verification',
  MANIFEST_BLOB_UNKNOWN: 'blob unknown to registry',
  BLOB_UNKNOWN: 'blob unknown to registry',
  BLOB_UPLOAD_UNKNOWN: 'blob upload unknown to registry',
  BLOB_UPLOAD_INVALID: 'blob upload invalid',
  PAGINATION_NUMBER_INVALID: 'invalid number of results requested',
  RANGE_INVALID: 'invalid content range',
};

/** "NAME_UNKNOWN" → "name unknown"; codes docker does not know read as "unknown". */
function codeText(code: string): string {
  const known = code in CODE_MESSAGES ? code : 'UNKNOWN';
  return known.toLowerCase().replace(/_/g, ' ');
}

export function formatErrcode(e: ErrcodeEntry): string {
  const known = e.code in CODE_MESSAGES ? e.code : 'UNKNOWN';
  return `${codeText(e.code)}: ${e.message || CODE_MESSAGES[known]}`;
}

function formatErrcodes(list: ErrcodeEntry[]): string {
  if (list.length === 1) return formatErrcode(list[0]!);
  return `errors:\n${list.map((e) => `${formatErrcode(e)}\n`).join('')}`;
}

type ErrorClass = new (message: string) => BerthError;

function classForStatus(status: number): ErrorClass {
  if (status === 401) return UnauthorizedError;
  if (status === 403) return ForbiddenError;
  if (status === 404) return NotFoundError;
  return BerthError;
}

/** Carries the registry's status and error codes along with docker's message. */
export interface RegistryErrorInfo {
  status: number;
  codes: ErrcodeEntry[];
}

export function registryError(status: number, message: string, codes: ErrcodeEntry[] = []): BerthError & RegistryErrorInfo {
  const Cls = classForStatus(status);
  const err = new Cls(message) as BerthError & RegistryErrorInfo;
  err.status = status;
  err.codes = codes;
  return err;
}

export function isRegistryError(err: unknown): err is BerthError & RegistryErrorInfo {
  return err instanceof BerthError && Array.isArray((err as Partial<RegistryErrorInfo>).codes);
}

export function hasCode(err: unknown, code: string): boolean {
  return isRegistryError(err) && err.codes.some((c) => c.code === code);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  409: 'Conflict', 416: 'Requested Range Not Satisfiable', 429: 'Too Many Requests', 500: 'Internal Server Error',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

export function statusText(status: number): string {
  return `${status} ${STATUS_TEXT[status] ?? ''}`.trimEnd();
}

/** Go's json error for a body that is not JSON, as docker prints it inside its message. */
function jsonParseError(body: string): string {
  const trimmed = body.trimStart();
  if (trimmed === '') return 'unexpected end of JSON input';
  return `invalid character '${trimmed[0]}' looking for beginning of value`;
}

/**
 * Turns an error response (4xx/5xx) into docker's error. `wwwAuthenticate` carries bearer
 * `error="insufficient_scope"`/`invalid_token` hints, which docker reports first.
 */
export function errorFromResponse(status: number, body: string, bearerError?: { error?: string; description?: string }): BerthError & RegistryErrorInfo {
  if (status < 400 || status >= 500) return registryError(status, `received unexpected HTTP status: ${statusText(status)}`);
  const codes: ErrcodeEntry[] = [];
  if (bearerError?.error === 'invalid_token' || bearerError?.error === 'insufficient_scope') {
    const code = bearerError.error === 'invalid_token' ? 'UNAUTHORIZED' : 'DENIED';
    codes.push({ code, message: bearerError.description || CODE_MESSAGES[code] });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  const details = (parsed as { details?: unknown } | undefined)?.details;
  if (typeof details === 'string' && details !== '') {
    const code = status === 401 ? 'UNAUTHORIZED' : status === 403 ? 'DENIED' : status === 429 ? 'TOOMANYREQUESTS' : 'UNKNOWN';
    codes.push({ code, message: details });
    return registryError(status, formatErrcodes(codes), codes);
  }
  const list = (parsed as { errors?: unknown } | undefined)?.errors;
  if (Array.isArray(list) && list.length > 0) {
    for (const e of list) {
      const entry = e as Partial<ErrcodeEntry>;
      codes.push({ code: String(entry.code ?? 'UNKNOWN'), message: typeof entry.message === 'string' ? entry.message : undefined, detail: entry.detail });
    }
    return registryError(status, formatErrcodes(codes), codes);
  }
  if (codes.length > 0) return registryError(status, formatErrcodes(codes), codes);
  if (status === 401) {
    const c = [{ code: 'UNAUTHORIZED', message: CODE_MESSAGES.UNAUTHORIZED }];
    return registryError(status, formatErrcodes(c), c);
  }
  const reason = parsed === undefined ? jsonParseError(body) : 'no error details found in HTTP response body';
  return registryError(status, `error parsing HTTP ${status} response body: ${reason}: ${JSON.stringify(body)}`);
}

/** Go's net/http method spelling in url.Error messages: `Get "https://…": …`. */
export function goMethod(method: string): string {
  return method.charAt(0).toUpperCase() + method.slice(1).toLowerCase();
}

/** A transport failure worded like Go's: `Get "http://127.0.0.1:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused`. */
export function transportError(method: string, url: string, err: unknown): BerthError {
  const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
  const code = e?.code ?? e?.cause?.code;
  const host = (() => {
    try {
      const u = new URL(url);
      return `${u.hostname.replace(/^\[|\]$/g, '')}:${u.port || (u.protocol === 'https:' ? '443' : '80')}`;
    } catch {
      return url;
    }
  })();
  let cause: string;
  switch (code) {
    case 'ECONNREFUSED': cause = `dial tcp ${host}: connect: connection refused`; break;
    case 'ECONNRESET': case 'UND_ERR_SOCKET': cause = `read tcp ${host}: read: connection reset by peer`; break;
    case 'ETIMEDOUT': case 'UND_ERR_CONNECT_TIMEOUT': cause = `dial tcp ${host}: i/o timeout`; break;
    case 'ENOTFOUND': case 'EAI_AGAIN': cause = `dial tcp: lookup ${host.slice(0, host.lastIndexOf(':'))}: no such host`; break;
    default: cause = e instanceof Error ? e.message : String(err);
  }
  const out = new BerthError(`${goMethod(method)} ${JSON.stringify(url)}: ${cause}`);
  (out as BerthError & { cause?: unknown }).cause = err;
  return out;
}
