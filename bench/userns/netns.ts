// Network namespace creation with and without an owning user namespace (--userns-remap) (on
// demand): `node dist/bench/userns/netns.js [count]`. Prints the mean time of createNetns and
// removeNetns per namespace for both, measured in alternating rounds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns, prepareNetnsDir, removeNetns, type NetnsOwner } from '../../src/network/netns.js';

const COUNT = Number(process.argv[2] ?? 20);
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-userns-'));
const netnsDir = join(dir, 'netns');
const owner: NetnsOwner = {
  usernsDir: join(dir, 'userns'),
  idMap: { uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }] },
};
await prepareNetnsDir(netnsDir);
await prepareNetnsDir(owner.usernsDir);
const totals = { plain: { create: 0, remove: 0 }, owned: { create: 0, remove: 0 } };
try {
  for (let i = 0; i < COUNT; i++) {
    for (const kind of ['plain', 'owned'] as const) {
      const path = join(netnsDir, `${kind}-${i}`);
      const o = kind === 'owned' ? owner : undefined;
      const t0 = performance.now();
      await createNetns(path, o);
      const t1 = performance.now();
      await removeNetns(path, o);
      totals[kind].create += t1 - t0;
      totals[kind].remove += performance.now() - t1;
    }
  }
  for (const [kind, t] of Object.entries(totals)) {
    console.log(`${kind.padEnd(6)} create ${(t.create / COUNT).toFixed(1)} ms  remove ${(t.remove / COUNT).toFixed(1)} ms`);
  }
} finally {
  for (const d of [netnsDir, owner.usernsDir]) execFileSync('umount', ['-l', d]);
  rmSync(dir, { recursive: true, force: true });
}
