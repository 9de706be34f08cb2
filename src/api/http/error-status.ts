// The one place typed errors become HTTP status codes.
import {
  ConflictError, DigestMismatchError, ForbiddenError, InvalidArgumentError, NotFoundError, NotImplementedError,
  NotModifiedError, UnauthorizedError, UnavailableError,
} from '../../errors.js';

export function statusOf(err: unknown): number {
  if (err instanceof NotModifiedError) return 304;
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ConflictError) return 409;
  if (err instanceof DigestMismatchError) return 400;
  if (err instanceof InvalidArgumentError) return 400;
  if (err instanceof UnauthorizedError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof NotImplementedError) return 501;
  if (err instanceof UnavailableError) return 503;
  if (err instanceof SyntaxError) return 400;
  return 500;
}
