// Errors in the distribution spec's JSON form: {"errors":[{"code","message","detail"}]}.
import { BerthError, DigestMismatchError, InvalidArgumentError, NotFoundError } from '../../errors.js';

export type RegistryErrorCode =
  | 'BLOB_UNKNOWN' | 'BLOB_UPLOAD_INVALID' | 'BLOB_UPLOAD_UNKNOWN' | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN' | 'MANIFEST_INVALID' | 'MANIFEST_UNKNOWN' | 'NAME_INVALID' | 'NAME_UNKNOWN'
  | 'SIZE_INVALID' | 'UNAUTHORIZED' | 'DENIED' | 'UNSUPPORTED' | 'TOOMANYREQUESTS' | 'RANGE_INVALID'
  | 'UNKNOWN';

/** An error the HTTP layer sends as is: status, spec code, message, optional detail and headers. */
export class RegistryError extends BerthError {
  constructor(
    readonly status: number,
    readonly code: RegistryErrorCode,
    message: string,
    readonly detail?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): string {
    const e: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.detail !== undefined) e['detail'] = this.detail;
    return JSON.stringify({ errors: [e] });
  }
}

/** Turns anything thrown below the HTTP layer into a RegistryError (typed errors keep their meaning). */
export function toRegistryError(err: unknown): RegistryError {
  if (err instanceof RegistryError) return err;
  if (err instanceof DigestMismatchError) return new RegistryError(400, 'DIGEST_INVALID', err.message);
  if (err instanceof NotFoundError) return new RegistryError(404, 'BLOB_UNKNOWN', err.message);
  if (err instanceof InvalidArgumentError) return new RegistryError(400, 'UNKNOWN', err.message);
  return new RegistryError(500, 'UNKNOWN', 'internal server error');
}

export const nameInvalid = (name: string): RegistryError =>
  new RegistryError(400, 'NAME_INVALID', 'invalid repository name', { name });
export const nameUnknown = (name: string): RegistryError =>
  new RegistryError(404, 'NAME_UNKNOWN', 'repository name not known to registry', { name });
export const blobUnknown = (digest: string): RegistryError =>
  new RegistryError(404, 'BLOB_UNKNOWN', 'blob unknown to registry', { digest });
export const manifestUnknown = (reference: string): RegistryError =>
  new RegistryError(404, 'MANIFEST_UNKNOWN', 'manifest unknown', { reference });
export const digestInvalid = (detail: string): RegistryError =>
  new RegistryError(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content', detail);
export const uploadUnknown = (id: string): RegistryError =>
  new RegistryError(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { id });
export const unsupported = (message = 'the operation is unsupported'): RegistryError =>
  new RegistryError(405, 'UNSUPPORTED', message);
