// HostConfig.SecurityOpt parsed as docker does: no-new-privileges[=bool], seccomp=<unconfined|
// builtin|JSON profile>, apparmor=…, label=…, systempaths=unconfined.
import { InvalidArgumentError } from '../../errors.js';

export interface SecurityOptions {
  noNewPrivileges: boolean;
  /** undefined: the default profile; 'unconfined'; or a profile's JSON text. */
  seccomp?: string;
  apparmor?: string;
  labels: string[];
  /** systempaths=unconfined: no masked or read-only /proc and /sys paths. */
  unconfinedSystemPaths: boolean;
  warnings: string[];
}

function parseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

export function parseSecurityOpts(opts: readonly string[] | null | undefined): SecurityOptions {
  const out: SecurityOptions = { noNewPrivileges: false, labels: [], unconfinedSystemPaths: false, warnings: [] };
  for (const opt of opts ?? []) {
    if (opt === 'no-new-privileges') {
      out.noNewPrivileges = true;
      continue;
    }
    if (opt === 'disable') {
      out.labels.push('disable');
      continue;
    }
    let key: string;
    let value: string;
    const eq = opt.indexOf('=');
    const colon = opt.indexOf(':');
    if (eq >= 0) {
      key = opt.slice(0, eq);
      value = opt.slice(eq + 1);
    } else if (colon >= 0) {
      key = opt.slice(0, colon);
      value = opt.slice(colon + 1);
      out.warnings.push('Security options with `:` as a separator are deprecated, use `=` instead.');
    } else {
      throw new InvalidArgumentError(`invalid --security-opt 1: ${JSON.stringify(opt)}`);
    }
    switch (key) {
      case 'label':
        out.labels.push(value);
        break;
      case 'apparmor':
        out.apparmor = value;
        break;
      case 'seccomp':
        out.seccomp = value === 'builtin' || value === '' ? undefined : value;
        break;
      case 'no-new-privileges': {
        const b = parseBool(value);
        if (b === undefined) throw new InvalidArgumentError(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
        out.noNewPrivileges = b;
        break;
      }
      case 'systempaths':
        if (value !== 'unconfined') throw new InvalidArgumentError(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
        out.unconfinedSystemPaths = true;
        break;
      default:
        throw new InvalidArgumentError(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
    }
  }
  return out;
}
