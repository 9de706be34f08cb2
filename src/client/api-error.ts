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

/**
 * The daemon took the connection, but it closed or broke before the answer was whole (a daemon
 * starting or stopping, a reset): `message` is docker's, `error during connect: Get "…": EOF`, or
 * `unexpected EOF` once part of the answer had come.
 */
export class DaemonConnectionError extends BerthError {
  constructor(
    message: string,
    readonly reason?: unknown,
  ) {
    super(message);
  }
}
