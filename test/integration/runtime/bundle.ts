// Test support: a tiny busybox rootfs and a runner that starts a container with runc from a spec
// made by generateSpec, captures its output and removes the container and its cgroups after.
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, rmdirSync, symlinkSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSpec } from '../../../src/runtime/spec/generate-spec.js';
import type { GenerateSpecInput } from '../../../src/runtime/spec/spec-input.js';
import type { RuntimeSpec } from '../../../src/runtime/spec/runtime-spec.js';
import { specToJson } from '../../../src/runtime/spec/spec-json.js';

export const BUSYBOX = '/usr/bin/busybox';

export const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
  'alice:x:1000:1000:Alice:/home/alice:/bin/sh',
  'bob:x:1001:1001::/home/bob:/bin/sh',
  'nobody:x:65534:65534:nobody:/nonexistent:/bin/false',
].join('\n') + '\n';

export const GROUP = [
  'root:x:0:',
  'daemon:x:1:',
  'wheel:x:10:root,alice',
  'audio:x:29:alice',
  'alice:x:1000:',
  'bob:x:1001:',
  'staff:x:50:bob',
  'nogroup:x:65534:',
].join('\n') + '\n';

/** Makes a rootfs dir with /etc/passwd and /etc/group (and busybox when `withBusybox`). */
export function makeRootfs(dir: string, withBusybox: boolean): string {
  const rootfs = join(dir, 'rootfs');
  for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root', 'home/alice', 'mnt']) mkdirSync(join(rootfs, d), { recursive: true });
  writeFileSync(join(rootfs, 'etc/passwd'), PASSWD);
  writeFileSync(join(rootfs, 'etc/group'), GROUP);
  if (withBusybox) {
    copyFileSync(BUSYBOX, join(rootfs, 'bin/busybox'));
    execFileSync('chmod', ['755', join(rootfs, 'bin/busybox')]);
    const applets = execFileSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a !== '' && a !== 'busybox');
    for (const a of applets) symlinkSync('busybox', join(rootfs, 'bin', a));
  }
  return rootfs;
}

export function canRunRunc(): boolean {
  return process.getuid?.() === 0 && existsSync(BUSYBOX) && existsSync('/usr/sbin/runc');
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  spec: RuntimeSpec;
  warnings: string[];
}

/** Runs containers in one temp dir; call `cleanup()` in `after`. */
export class RuncHarness {
  readonly dir = mkdtempSync(join(tmpdir(), 'berth-spec-'));
  readonly rootfs = makeRootfs(this.dir, true);
  readonly state = join(this.dir, 'state');
  readonly cgroupParent = `berth-spec-test-${process.pid}`;
  private n = 0;
  private ids: string[] = [];

  async run(input: Partial<GenerateSpecInput> & Pick<GenerateSpecInput, 'config' | 'hostConfig'>, adjust?: (s: RuntimeSpec) => void): Promise<RunResult> {
    const id = `bst${process.pid}x${++this.n}`;
    this.ids.push(id);
    const bundle = join(this.dir, id);
    mkdirSync(bundle, { recursive: true });
    const { spec, warnings } = await generateSpec({
      id,
      rootfs: this.rootfs,
      cgroupsPath: `/${this.cgroupParent}/${id}`,
      ...input,
    });
    spec.process!.terminal = false;
    adjust?.(spec);
    writeFileSync(join(bundle, 'config.json'), specToJson(spec));
    const child = spawn('runc', ['--root', this.state, 'run', '--bundle', bundle, id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(timer);
    this.remove(id);
    return { code, stdout, stderr, spec, warnings };
  }

  private remove(id: string): void {
    try {
      execFileSync('runc', ['--root', this.state, 'delete', '--force', id], { stdio: 'ignore' });
    } catch {
      // Already gone.
    }
  }

  cleanup(): void {
    for (const id of this.ids) this.remove(id);
    removeCgroups(this.cgroupParent, this.ids);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Removes the containers' cgroups (left when runc could not) and the parent runc made for them, when empty. */
export function removeCgroups(parent: string, ids: string[]): void {
  for (const root of ['/sys/fs/cgroup', '/sys/fs/cgroup/unified']) {
    let controllers: string[] = [];
    try {
      controllers = readdirSync(root);
    } catch {
      continue;
    }
    for (const c of ['', ...controllers]) {
      const p = join(root, c, parent);
      if (existsSync(p)) {
        for (const id of ids) if (existsSync(join(p, id))) try { rmdirSync(join(p, id)); } catch { /* busy */ }
        try {
          rmdirSync(p);
        } catch {
          // Busy or not a cgroup dir.
        }
      }
    }
  }
}
