// `--add-host name:ip` / `name=ip` / `name=[::1]` (run, create, build), checked as docker checks
// it and sent as the `name:ip` the API takes. A flag parser: the message becomes pflag's
// `invalid argument … for "--add-host" flag: …`.
import { isIP } from 'node:net';

export function parseExtraHost(val: string): string {
  let sep = val.indexOf('=');
  if (sep === -1) sep = val.indexOf(':');
  const name = sep === -1 ? '' : val.slice(0, sep);
  if (sep === -1 || name === '' || name.includes(':')) throw new Error(`bad format for add-host: ${JSON.stringify(val)}`);
  let addr = val.slice(sep + 1);
  if (addr !== 'host-gateway') {
    if (addr.length > 2 && addr.startsWith('[') && addr.endsWith(']')) addr = addr.slice(1, -1);
    if (isIP(addr) === 0) throw new Error(`invalid IP address in add-host: ${JSON.stringify(addr)}`);
  }
  return `${name}:${addr}`;
}
