// Orphans of container networking: sandboxes of containers that no longer run, namespaces and
// address leases no sandbox owns, bridges no network has, veths beyond a bridge's endpoints, and
// firewall rules naming a bridge no network has.
import { readdir } from 'node:fs/promises';
import type { ContainerService } from '../container/container-service.js';
import { isRunning } from '../container/container-core.js';
import { deleteBridge } from '../network/bridge-device.js';
import type { NetworkService } from '../network/network-service.js';
import type { Finding } from './check-finding.js';

export interface NetworkCheckDeps {
  containers: ContainerService;
  networks: NetworkService;
  /** Host bridges whose names start with it are berth's. */
  bridgePrefix: string;
}

function runningIds(containers: ContainerService): string[] {
  return containers.store.list().filter((c) => isRunning(c) || c.state.Status === 'restarting').map((c) => c.id);
}

async function findNetworkOrphans(d: NetworkCheckDeps): Promise<Finding[]> {
  const running = new Set(runningIds(d.containers));
  const a = await d.networks.allocations();
  const out: Finding[] = [];
  for (const s of a.sandboxes) {
    if (s.containerId && !running.has(s.containerId) && s.state !== 'ready') out.push({ kind: 'sandbox', id: s.id, reason: `network stack of ${s.containerId.slice(0, 12)}, which does not run` });
  }
  const known = new Set(a.sandboxes.map((s) => s.netnsPath).filter(Boolean));
  for (const f of a.netnsFiles) if (!known.has(f)) out.push({ kind: 'netns', id: f, reason: 'network namespace no sandbox owns' });
  const owners = new Set(a.sandboxes.map((s) => s.id));
  for (const l of a.leases) if (!owners.has(l.owner)) out.push({ kind: 'lease', id: `${l.network}/${l.ip}`, reason: `address lease of ${l.owner.slice(0, 12)}, which has no sandbox` });
  const rows = d.networks.store.networks().filter((n) => n.driver === 'bridge' && n.bridge);
  const bridges = new Set(rows.map((n) => n.bridge!));
  const host = await readdir('/sys/class/net').catch(() => [] as string[]);
  for (const b of host) {
    if (b.startsWith(d.bridgePrefix) && !bridges.has(b) && (await readdir(`/sys/class/net/${b}/brif`).then(() => true, () => false))) {
      out.push({ kind: 'bridge', id: b, reason: 'bridge no network has' });
    }
  }
  for (const n of rows) {
    const ports = await readdir(`/sys/class/net/${n.bridge}/brif`).catch(() => [] as string[]);
    const live = a.endpoints.filter((e) => e.networkId === n.id && e.state !== 'releasing').length;
    if (ports.length > live) out.push({ kind: 'veth', id: n.bridge!, reason: `${ports.length} interfaces on the bridge, ${live} endpoints` });
  }
  for (const r of a.rules) {
    const ifaces = [...r.matchAll(/ -[io] (\S+)/g)].map((m) => m[1]!);
    if (ifaces.some((i) => i.startsWith(d.bridgePrefix) && !bridges.has(i))) out.push({ kind: 'rule', id: r, reason: 'firewall rule for a bridge no network has' });
  }
  return out;
}

/**
 * Reports the orphans; a repair runs the start-up reconciliation (sandboxes released, stray
 * namespaces and leases removed) and looks again: what is gone then counts as repaired.
 */
export async function checkNetwork(d: NetworkCheckDeps, repair: boolean): Promise<Finding[]> {
  const found = await findNetworkOrphans(d);
  if (!repair || found.length === 0) return found;
  let error: string | undefined;
  await d.networks.reconcile(runningIds(d.containers)).catch((err) => (error = String(err)));
  await d.networks.idle();
  for (const f of found) if (f.kind === 'bridge') await deleteBridge(f.id).catch(() => undefined);
  const left = new Set((await findNetworkOrphans(d)).map((f) => `${f.kind} ${f.id}`));
  for (const f of found) {
    f.repaired = !left.has(`${f.kind} ${f.id}`);
    if (!f.repaired) f.error = error ?? 'still there after the network was reconciled';
  }
  return found;
}
