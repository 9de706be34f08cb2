// Typed errors shared by every layer. The API maps them to HTTP status codes in one place
// (api/error-status.ts); everything else throws them and never thinks about HTTP.

export class BerthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** 404: the thing asked for does not exist. */
export class NotFoundError extends BerthError {}
/** 409: the request clashes with the current state (name in use, container running, …). */
export class ConflictError extends BerthError {}
/** 400: the caller sent something malformed or contradictory. */
export class InvalidArgumentError extends BerthError {}
/** 403: refused on purpose (e.g. removing a running container without force). */
export class ForbiddenError extends BerthError {}
/** 401: credentials missing or wrong. */
export class UnauthorizedError extends BerthError {}
/** 304: nothing to do (start of a started container, stop of a stopped one). */
export class NotModifiedError extends BerthError {}
/** 503: the node cannot serve this in its current role (docker's answer outside a swarm). */
export class UnavailableError extends BerthError {}
/** 501: a feature the engine knows of but does not implement here. */
export class NotImplementedError extends BerthError {}
/** 400 with a digest mismatch: content did not verify. */
export class DigestMismatchError extends InvalidArgumentError {}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** True for a Node system error with the given code (ENOENT, EEXIST, …). */
export function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as NodeJS.ErrnoException).code === code;
}
