// Where the daemon listens: `unix:///path` or `tcp://host:port`, as in -H / BERTH_HOST / DOCKER_HOST.
import { InvalidArgumentError } from '../errors.js';

/**
 * berthd's default address: `<exec root>/berth.sock`, the exec root moved by BERTH_EXEC_ROOT as
 * berthd's is. Read at each call: a warm CLI worker runs commands with different environments.
 */
export function defaultHost(env: NodeJS.ProcessEnv = process.env): string {
  return `unix://${env.BERTH_EXEC_ROOT || '/run/berth'}/berth.sock`;
}

export type DaemonHost =
  | { readonly kind: 'unix'; readonly path: string; readonly url: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number; readonly url: string };

/** Parses a daemon address; a bare path means a unix socket, tcp defaults to 2375 (2376 with TLS). */
export function parseHost(spec: string, tls = false): DaemonHost {
  const s = spec.trim();
  if (s === '') return parseHost(defaultHost());
  if (s.startsWith('unix://')) {
    const path = s.slice('unix://'.length);
    if (path === '') throw new InvalidArgumentError(`invalid bind address (${spec}): empty string`);
    return { kind: 'unix', path, url: s };
  }
  if (s.startsWith('/')) return { kind: 'unix', path: s, url: `unix://${s}` };
  let rest: string;
  if (s.startsWith('tcp://')) rest = s.slice(6);
  else if (s.startsWith('http://') || s.startsWith('https://')) rest = s.replace(/^https?:\/\//, '');
  else if (!s.includes('://')) rest = s;
  else throw new InvalidArgumentError(`Invalid bind address format: ${spec}`);
  rest = rest.replace(/\/+$/, '');
  let host = rest;
  let port = tls ? 2376 : 2375;
  const m = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(rest);
  if (!m) throw new InvalidArgumentError(`Invalid bind address format: ${spec}`);
  host = m[1]!.replace(/^\[|\]$/g, '') || '127.0.0.1';
  if (m[2] !== undefined) port = Number(m[2]);
  if (!(port > 0 && port < 65536)) throw new InvalidArgumentError(`Invalid bind address format: ${spec}`);
  return { kind: 'tcp', host, port, url: `tcp://${host.includes(':') ? `[${host}]` : host}:${port}` };
}
