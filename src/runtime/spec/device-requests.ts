// HostConfig.DeviceRequests (`--gpus`). berth has no device drivers (no NVIDIA container runtime
// hook), so every request is refused at start with moby's text, as dockerd does without one.
import { InvalidArgumentError } from '../../errors.js';

export interface DeviceRequest {
  Driver?: string;
  Count?: number;
  DeviceIDs?: string[] | null;
  Capabilities?: string[][] | null;
  Options?: Record<string, string> | null;
}

/** Go's %v of a [][]string: `[[gpu utility]]`. */
function goStringMatrix(caps: readonly (readonly string[])[]): string {
  return `[${caps.map((g) => `[${g.join(' ')}]`).join(' ')}]`;
}

/** Throws for the first request: no driver can satisfy it. */
export function checkDeviceRequests(requests: readonly DeviceRequest[] | null | undefined): void {
  const req = requests?.[0];
  if (!req) return;
  throw new InvalidArgumentError(`could not select device driver ${JSON.stringify(req.Driver ?? '')} with capabilities: ${goStringMatrix(req.Capabilities ?? [])}`);
}
