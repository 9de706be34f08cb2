// The request a launcher (native/cli_launcher.c) hands a warm CLI worker: NUL-terminated fields —
// protocol, package root, working directory, umask, mount-namespace and root identities, the
// arguments (a count, then each) and the environment (a count, then each NAME=value).

export const HANDOFF_PROTOCOL = '1';

export interface HandoffRequest {
  protocol: string;
  root: string;
  cwd: string;
  umask: number;
  /** "dev:ino" of the launcher's /proc/self/ns/mnt and of its "/": paths mean the same only if both match. */
  mountNamespace: string;
  rootDir: string;
  argv: string[];
  env: Record<string, string>;
}

export function parseHandoffRequest(body: Buffer): HandoffRequest {
  const fields = body.toString('utf8').split('\0');
  let i = 0;
  const next = (): string => {
    if (i >= fields.length) throw new Error('cli hand-off: request cut short');
    return fields[i++]!;
  };
  const count = (): number => {
    const n = Number(next());
    if (!Number.isInteger(n) || n < 0) throw new Error('cli hand-off: bad count');
    return n;
  };
  const protocol = next();
  if (protocol !== HANDOFF_PROTOCOL) throw new Error(`cli hand-off: protocol ${protocol} is not ${HANDOFF_PROTOCOL}`);
  const root = next();
  const cwd = next();
  const umask = Number(next());
  const mountNamespace = next();
  const rootDir = next();
  const argv = Array.from({ length: count() }, next);
  const env: Record<string, string> = {};
  for (let n = count(); n > 0; n--) {
    const kv = next();
    const eq = kv.indexOf('=');
    if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return { protocol, root, cwd, umask, mountNamespace, rootDir, argv, env };
}

/** Worker → launcher records: a tag and an int32 (5 bytes). */
export const enum Reply {
  Accepted = 0x41, // 'A': the command runs here; no cold start any more
  Fallback = 0x46, // 'F': start cold (`node bin/berth`)
  Exit = 0x58, // 'X': exit status
  Signal = 0x53, // 'S': die by this signal
}
/** Launcher → worker: 'G' and a signal number the launcher received. */
export const SIGNAL_RECORD = 0x47;

export function replyRecord(tag: Reply, value = 0): Buffer {
  const b = Buffer.alloc(5);
  b[0] = tag;
  b.writeInt32LE(value, 1);
  return b;
}
