// The values of --blkio-weight-device and --device-{read,write}-{bps,iops}: `<device-path>:<value>`,
// checked with docker's messages (they become `invalid argument … for "--device-read-bps" flag: …`).
import { parseRamSize } from '../format/units.js';
import type { WeightDevice, ThrottleDevice } from '../../client/types.js';

function splitDevice(val: string): [string, string] {
  const colon = val.indexOf(':');
  if (colon === -1) throw new Error(`bad format: ${val}`);
  const path = val.slice(0, colon);
  if (!path.startsWith('/dev/')) throw new Error(`bad format for device path: ${val}`);
  return [path, val.slice(colon + 1)];
}

/** `/dev/sda:200`, weight 10–1000 (0 leaves it unset). */
export function parseWeightDevice(val: string): WeightDevice {
  const [path, w] = splitDevice(val);
  const weight = /^\d+$/.test(w) ? Number(w) : NaN;
  if (!(weight <= 0xffff) || (weight > 0 && (weight < 10 || weight > 1000))) throw new Error(`invalid weight for device: ${val}`);
  return { Path: path, Weight: weight };
}

/** `/dev/sda:1mb`: bytes per second with docker's RAM units. */
export function parseThrottleBps(val: string): ThrottleDevice {
  const [path, r] = splitDevice(val);
  let rate: number;
  try {
    rate = parseRamSize(r);
  } catch {
    rate = -1;
  }
  if (rate < 0) throw new Error(`invalid rate for device: ${val}. The correct format is <device-path>:<number>[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb`);
  return { Path: path, Rate: rate };
}

/** `/dev/sda:1000`: IO operations per second. */
export function parseThrottleIops(val: string): ThrottleDevice {
  const [path, r] = splitDevice(val);
  if (!/^\d+$/.test(r)) throw new Error(`invalid rate for device: ${val}. The correct format is <device-path>:<number>. Number must be a positive integer`);
  return { Path: path, Rate: Number(r) };
}
