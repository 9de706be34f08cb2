// An Engine API call whose 404 means "not there" rather than a failure: its value, or undefined.
import { ApiError } from '../client/api-error.js';

export async function ifFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (e) {
    if (e instanceof ApiError && e.statusCode === 404) return undefined;
    throw e;
  }
}
