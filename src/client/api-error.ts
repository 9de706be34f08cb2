import { BerthError } from '../errors.js';

/** The daemon answered with an error status; `message` is its `{"message": …}`. */
export class ApiError extends BerthError {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** Nothing answered at the daemon's address. */
export class DaemonUnreachableError extends BerthError {
  constructor(
    readonly hostUrl: string,
    readonly reason?: unknown,
  ) {
    super(`Cannot connect to the berth daemon at ${hostUrl}. Is the berth daemon running?`);
  }
}
