// Cost of mounting and unmounting a container rootfs (overlay of 3 layers + upper): through the
// project's syscall addon vs. spawning mount(8)/umount(8). Unmounting an overlay syncs the upper
// filesystem, so its cost grows with the dirty data of the whole disk.
//   node dist/bench/layers/mount.bench.js [iterations]
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mountAll, overlayMount, unmount } from '../../src/snapshot/mount.js';

const n = Number(process.argv[2] ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'berth-bench-mount-'));
const lowers = ['l1', 'l2', 'l3'].map((l) => join(dir, l));
const [upper, work, target] = ['upper', 'work', 'target'].map((d) => join(dir, d)) as [string, string, string];
for (const d of [...lowers, upper, work, target]) mkdirSync(d);
const m = overlayMount({ lowerDirs: lowers, upperDir: upper, workDir: work });

async function bench(label: string, mountFn: () => Promise<void> | void, unmountFn: () => Promise<void> | void): Promise<void> {
  let mountNs = 0n;
  let unmountNs = 0n;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await mountFn();
    const t1 = process.hrtime.bigint();
    await unmountFn();
    mountNs += t1 - t0;
    unmountNs += process.hrtime.bigint() - t1;
  }
  const ms = (ns: bigint): string => (Number(ns) / 1e6 / n).toFixed(3);
  console.log(`${label.padEnd(30)} mount ${ms(mountNs)} ms   unmount ${ms(unmountNs)} ms`);
}

try {
  await bench('addon: mount(2), umount2(2)', () => mountAll([m], target), () => unmount(target));
  await bench('spawn: mount(8), umount(8)',
    () => void execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', m.options.join(','), target]),
    () => void execFileSync('umount', [target]));
} finally {
  await unmount(target, { lazy: true }).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}
