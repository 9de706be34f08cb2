// API version negotiation like dockerd: `/v1.xx/` prefixes (or none = the newest), refused outside
// [MIN, MAX] with docker's messages.
import { InvalidArgumentError } from '../../errors.js';
import { MAX_API_VERSION, MIN_API_VERSION, compareVersions } from '../../engine-api-version.js';


/** Splits `/v1.41/containers/json` into version and path. */
export function splitVersion(path: string): { version: string; path: string } {
  const m = /^\/v(\d+\.\d+)(\/.*)$/.exec(path);
  if (!m) return { version: MAX_API_VERSION, path };
  const version = m[1]!;
  if (compareVersions(version, MAX_API_VERSION) > 0) {
    throw new InvalidArgumentError(`client version ${version} is too new. Maximum supported API version is ${MAX_API_VERSION}`);
  }
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw new InvalidArgumentError(`client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  }
  return { version, path: m[2]! };
}
