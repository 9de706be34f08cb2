// The process environment docker gives a container: PATH, HOSTNAME, TERM=xterm with a tty, then
// Config.Env over them (a bare `KEY` unsets), then HOME from passwd when nobody set it.

export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function keyOf(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}

export function buildEnv(opts: { hostname: string; tty: boolean; env?: readonly string[] | null; home: string }): string[] {
  const vars = new Map<string, string>();
  vars.set('PATH', `PATH=${DEFAULT_PATH}`);
  vars.set('HOSTNAME', `HOSTNAME=${opts.hostname}`);
  if (opts.tty) vars.set('TERM', 'TERM=xterm');
  for (const entry of opts.env ?? []) {
    const key = keyOf(entry);
    if (key === '') continue;
    if (!entry.includes('=')) {
      vars.delete(key);
      continue;
    }
    vars.set(key, entry);
  }
  if (!vars.has('HOME')) vars.set('HOME', `HOME=${opts.home}`);
  return [...vars.values()];
}
