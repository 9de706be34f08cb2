// Legacy links (`--link name:alias` on the default bridge), as docker keeps and shows them: stored
// as `/<child>:/<parent>/<alias>`, the child's address and exposed ports given to the parent as
// `<ALIAS>_…` environment variables, removed by `DELETE /containers/<parent>/<alias>?link=1`.
import { ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';
import type { ContainerRecord } from './container-record.js';

export interface Link {
  /** The linked (child) container's name, with its slash. */
  child: string;
  alias: string;
}

/** `name`, `name:alias` (the CLI's) or `/name:/parent/alias` (docker's stored form). */
export function parseLink(value: string): Link {
  const colon = value.indexOf(':');
  const target = colon < 0 ? value : value.slice(0, colon);
  const aliasPart = colon < 0 ? target : value.slice(colon + 1);
  const alias = aliasPart.slice(aliasPart.lastIndexOf('/') + 1);
  if (!target || !alias) throw new InvalidArgumentError(`invalid link: ${value}`);
  return { child: target.startsWith('/') ? target : `/${target}`, alias };
}

/** docker's stored form of a link of `parent` (its name with the slash). */
export function formatLink(l: Link, parent: string): string {
  return `${l.child}:${parent}/${l.alias}`;
}

/**
 * A create request's links in docker's stored form, each child resolved by ID, name or prefix
 * (docker's error for one that does not exist).
 */
export function normalizeLinks(links: readonly string[], parent: string, find: (ref: string) => ContainerRecord | undefined): string[] {
  return links.map((value) => {
    const l = parseLink(value);
    const child = find(l.child.slice(1));
    if (!child) throw new InvalidArgumentError(`could not get container for ${l.child.slice(1)}: No such container: ${l.child.slice(1)}`);
    return formatLink({ child: child.name, alias: l.alias }, parent);
  });
}

/** Links of a container at its start: each child running, with its address on the default bridge. */
export function linkedChildren(
  parent: ContainerRecord,
  find: (ref: string) => ContainerRecord | undefined,
): { link: Link; child: ContainerRecord; ip: string }[] {
  const out: { link: Link; child: ContainerRecord; ip: string }[] = [];
  for (const value of (parent.hostConfig.Links as string[] | null | undefined) ?? []) {
    const link = parseLink(value);
    const child = find(link.child.slice(1));
    const running = child && (child.state.Status === 'running' || child.state.Status === 'paused');
    if (!child || !running) throw new ConflictError(`Cannot link to a non running container: ${link.child} AS ${parent.name}/${link.alias}`);
    const nets = (child.networkSettings as { Networks?: Record<string, { IPAddress?: string }> } | undefined)?.Networks;
    out.push({ link, child, ip: nets?.bridge?.IPAddress ?? '' });
  }
  return out;
}

type PortKey = { port: number; proto: string };

/** TCP first, then by number (docker's order, so `<ALIAS>_PORT` is the lowest TCP port). */
function comparePorts(a: PortKey, b: PortKey): number {
  if (a.proto === b.proto) return a.port - b.port;
  if (a.proto === 'tcp') return -1;
  if (b.proto === 'tcp') return 1;
  return a.proto < b.proto ? -1 : 1;
}

/**
 * The variables docker gives the parent for one link: `<ALIAS>_PORT` (the first port),
 * `<ALIAS>_PORT_<n>_<PROTO>` with `_ADDR`, `_PORT`, `_PROTO` per port, `_START`/`_END` for runs of
 * consecutive ports, `<ALIAS>_NAME`, and `<ALIAS>_ENV_<var>` of the child's environment.
 */
export function linkEnv(name: string, childIp: string, childEnv: readonly string[], exposed: readonly string[]): string[] {
  const alias = name.slice(name.lastIndexOf('/') + 1).toUpperCase().replaceAll('-', '_');
  const ports = exposed.map((k): PortKey => {
    const [p, proto] = k.split('/');
    return { port: Number(p), proto: (proto || 'tcp').toLowerCase() };
  }).sort(comparePorts);
  const env: string[] = [];
  const url = (p: PortKey): string => `${p.proto}://${childIp}:${p.port}`;
  const prefixOf = (p: PortKey): string => `${alias}_PORT_${p.port}_${p.proto.toUpperCase()}`;
  let start = ports[0];
  let end = ports[0];
  ports.forEach((p, i) => {
    if (i === 0) env.push(`${alias}_PORT=${url(p)}`);
    const prefix = prefixOf(p);
    env.push(`${prefix}=${url(p)}`, `${prefix}_ADDR=${childIp}`, `${prefix}_PORT=${p.port}`, `${prefix}_PROTO=${p.proto}`);
    if (i > 0 && p.port === end!.port + 1 && p.proto === end!.proto) {
      end = p;
      if (i < ports.length - 1) return;
    }
    if (start !== end) {
      const s = prefixOf(start!);
      env.push(`${s}_START=${url(start!)}`, `${s}_PORT_START=${start!.port}`, `${s}_END=${url(end!)}`, `${s}_PORT_END=${end!.port}`);
    }
    start = p;
    end = p;
  });
  env.push(`${alias}_NAME=${name}`);
  for (const v of childEnv) {
    const eq = v.indexOf('=');
    if (eq < 0) continue;
    const key = v.slice(0, eq);
    if (key === 'HOME' || key === 'PATH') continue;
    env.push(`${alias}_ENV_${key}=${v.slice(eq + 1)}`);
  }
  return env;
}

/**
 * Which link `<parent>/<alias>` names, for `DELETE …?link=1`: the parent's record and the link's
 * index in its HostConfig.Links (docker's errors when the name is no link).
 */
export function findLink(name: string, find: (ref: string) => ContainerRecord | undefined): { parent: ContainerRecord; index: number; alias: string } {
  const full = name.startsWith('/') ? name : `/${name}`;
  const slash = full.lastIndexOf('/');
  if (slash === 0) throw new InvalidArgumentError('Conflict, cannot remove the default link name of the container');
  const parent = find(full.slice(1, slash));
  const alias = full.slice(slash + 1);
  const links = (parent?.hostConfig.Links as string[] | null | undefined) ?? [];
  const index = links.findIndex((l) => parseLink(l).alias === alias);
  if (!parent || index < 0) throw new NotFoundError(`No such container: ${name.replace(/^\//, '')}`);
  return { parent, index, alias };
}
