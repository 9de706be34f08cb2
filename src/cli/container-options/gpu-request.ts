// `--gpus all`, `--gpus 2`, `--gpus '"device=0,1"'`, `--gpus driver=nvidia,count=all,capabilities=utility`
// → one HostConfig.DeviceRequests entry, parsed as docker's CLI parses it.
import { splitCsv } from '../flags/csv-fields.js';
import type { DeviceRequest } from '../../client/types.js';

function parseCount(s: string): number {
  if (s === 'all') return -1;
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`count must be an integer: strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

export function parseGpuRequest(value: string): DeviceRequest {
  const req: DeviceRequest = { Driver: '', Count: 0, DeviceIDs: null, Capabilities: [], Options: {} };
  const seen = new Set<string>();
  let caps: string[][] | undefined;
  for (const field of splitCsv(value)) {
    const eq = field.indexOf('=');
    const key = eq === -1 ? field : field.slice(0, eq);
    const val = eq === -1 ? '' : field.slice(eq + 1);
    if (seen.has(key)) throw new Error(`gpu request key '${key}' can be specified only once`);
    seen.add(key);
    if (eq === -1) {
      // A bare word is the count: `all` or a number.
      seen.add('count');
      req.Count = parseCount(key);
      continue;
    }
    switch (key) {
      case 'driver': req.Driver = val; break;
      case 'count': req.Count = parseCount(val); break;
      case 'device': req.DeviceIDs = val.split(','); break;
      case 'capabilities': caps = [[...val.split(','), 'gpu']]; break;
      case 'options':
        for (const kv of splitCsv(val)) {
          const i = kv.indexOf('=');
          req.Options[i === -1 ? kv : kv.slice(0, i)] = i === -1 ? '' : kv.slice(i + 1);
        }
        break;
      default: throw new Error(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (!seen.has('count') && req.DeviceIDs === null) req.Count = 1;
  req.Capabilities = caps ?? [['gpu']];
  return req;
}
