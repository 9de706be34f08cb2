// The floor under any engine's `run --rm busybox true`: `runc run` of a minimal busybox bundle
// (runc's own default spec, no network, no seccomp), with a runc root of its own, removed after.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUSYBOX_ROOTFS } from '../../test/support/repo-paths.js';
import type { Command } from './measure.js';

export interface RuncFloor {
  /** `runc run` of `true`, one fresh id per call. */
  command(): Command;
  remove(): void;
}

export function makeRuncFloor(): RuncFloor | undefined {
  if (spawnSync('runc', ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'berth-runc-floor-'));
  const bundle = join(dir, 'bundle');
  mkdirSync(join(bundle, 'rootfs'), { recursive: true });
  execFileSync('tar', ['-x', '-C', join(bundle, 'rootfs')], { input: execFileSync(process.execPath, [BUSYBOX_ROOTFS], { maxBuffer: 64 << 20 }) });
  execFileSync('runc', ['spec'], { cwd: bundle });
  const spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as { process: { terminal: boolean; args: string[] }; linux: { cgroupsPath?: string } };
  spec.process.terminal = false;
  spec.process.args = ['true'];
  writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec));
  const root = join(dir, 'runc');
  let n = 0;
  return {
    command: () => ({ cmd: 'runc', args: ['--root', root, 'run', '--bundle', bundle, `floor-${process.pid}-${n++}`] }),
    remove: () => {
      for (const id of spawnSync('runc', ['--root', root, 'list', '-q'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) {
        spawnSync('runc', ['--root', root, 'delete', '--force', id], { stdio: 'ignore' });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
