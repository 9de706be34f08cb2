// The `filters` of `GET /networks` and `POST /networks/prune` (docker's keys and matching rules).
// Kept together: a shared filter module is to replace them.
import { InvalidArgumentError } from '../errors.js';
import type { NetworkRow } from './network-store.js';

export type Filters = Record<string, string[]>;

const LIST_KEYS = ['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type'];

/** The networks `list` shows; `inUse` are the IDs of networks with attached containers. */
export function filterNetworkList(networks: NetworkRow[], f: Filters, inUse: Set<string>): NetworkRow[] {
  const unknown = Object.keys(f).filter((k) => !LIST_KEYS.includes(k));
  if (unknown.length > 0) throw new InvalidArgumentError(`invalid filter '${unknown[0]}'`);
  const any = (key: string, pred: (v: string) => boolean): boolean => !f[key]?.length || f[key]!.some(pred);
  return networks.filter((n) => {
    const used = inUse.has(n.id);
    return (
      any('driver', (v) => n.driver === v) &&
      any('id', (v) => n.id.startsWith(v)) &&
      any('name', (v) => n.name.includes(v)) &&
      any('scope', (v) => v === 'local') &&
      any('type', (v) => (v === 'builtin' ? n.builtin : v === 'custom' ? !n.builtin : false)) &&
      any('dangling', (v) => ((v === 'true' || v === '1') ? !used && !n.builtin : used || n.builtin)) &&
      matchesLabels(n.labels, f)
    );
  });
}

/** The networks `prune` removes: unused user networks matching `label`, `label!` and `until`. */
export function filterPrunable(networks: NetworkRow[], f: Filters, inUse: Set<string>): NetworkRow[] {
  return networks.filter((n) => {
    if (n.builtin || inUse.has(n.id)) return false;
    if (!matchesLabels(n.labels, f)) return false;
    return !f.until?.length || f.until.some((u) => Date.parse(n.created) < untilTime(u));
  });
}

function matchesLabels(labels: Record<string, string>, f: Filters): boolean {
  for (const l of f.label ?? []) {
    const eq = l.indexOf('=');
    if (eq === -1 ? !(l in labels) : labels[l.slice(0, eq)] !== l.slice(eq + 1)) return false;
  }
  for (const l of f['label!'] ?? []) {
    const eq = l.indexOf('=');
    if (eq === -1 ? l in labels : labels[l.slice(0, eq)] === l.slice(eq + 1)) return false;
  }
  return true;
}

/** `until`: a Unix time, a duration back from now (`10m`), or a date. */
function untilTime(v: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const m = /^(\d+)(s|m|h)$/.exec(v);
  if (m) return Date.now() - Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'];
  return Date.parse(v);
}
