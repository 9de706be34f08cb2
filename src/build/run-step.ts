// A RUN step: the command run by the OCI runtime over a fresh snapshot of the step's parent layers,
// its output handed to the caller as it comes, and on success the snapshot's changes committed as
// a new layer. The builder has the OCI runtime run it in the foreground (attached pipes) rather than
// through the container service: a build step needs per-step mounts (cache, bind, secret) and is not a
// container users see in `ps`. Mount points the runtime had to create (/etc/hosts, a secret's
// file…) are taken out of the layer again, so they don't leak into the image.
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { BerthError, isErrno } from '../errors.js';
import { resolveInRoot } from '../fsutil/resolve-in-root.js';
import { commitSnapshotLayer } from '../image/commit-layer.js';
import type { ImageService } from '../image/image-service.js';
import type { LayerRecord } from '../image/image-store.js';
import { BUILD_STEP_HOSTNAME, etcMounts, writeEtcFiles } from '../network/container-etc-files.js';
import type { Digest } from '../oci/digest.js';
import type { IdMap } from '../oci/id-map.js';
import { generateSpec } from '../runtime/spec/generate-spec.js';
import { specToJson } from '../runtime/spec/spec-json.js';
import type { SpecMount } from '../runtime/spec/spec-input.js';
import { mountAll, unmount } from '../snapshot/mount.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import type { OciRuntime } from '../runtime/oci-runtime.js';
import type { StepNetwork } from './run-networks.js';

export class BuildCancelledError extends BerthError {}

/** A RUN whose command exited non-zero (docker's message and code). */
export class RunFailedError extends BerthError {
  constructor(
    readonly command: string,
    readonly exitCode: number,
  ) {
    super(`The command '${command}' returned a non-zero code: ${exitCode}`);
  }
}

export interface RunStepOptions {
  snapshots: Snapshotter;
  images: ImageService;
  runtime: OciRuntime;
  cgroupParent: string;
  /** Scratch directory for the bundle (removed afterwards). */
  workDir: string;
  parent: Digest | undefined;
  argv: string[];
  env: string[];
  user: string;
  workingDir: string;
  /** The step's name for the runtime (made up when absent). */
  id?: string;
  /**
   * The network: the host's, none (an empty namespace of its own), or a namespace made by the
   * network service (its path, and the hosts/resolv.conf/hostname files it wrote as mounts).
   */
  network: StepNetwork;
  mounts: SpecMount[];
  /**
   * The daemon's --userns-remap map: the step runs in a user namespace with it, as the daemon's
   * containers do (its snapshot holds files under the shifted ids).
   */
  userns?: IdMap;
  onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void;
  /** Aborting kills the step's processes (the client went away). */
  signal?: AbortSignal;
}

async function exists(p: string): Promise<boolean> {
  try {
    await lstat(p);
    return true;
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return false;
    throw err;
  }
}

/** Every ancestor of an absolute path and the path itself: /a, /a/b, /a/b/c. */
function pathAndAncestors(p: string): string[] {
  const parts = posix.normalize(p).split('/').filter(Boolean);
  return parts.map((_, i) => '/' + parts.slice(0, i + 1).join('/'));
}

/** Runs the step; returns the layer it made. Throws RunFailedError on a non-zero exit. */
export async function runStep(o: RunStepOptions): Promise<LayerRecord> {
  const id = o.id ?? `build-${randomBytes(12).toString('hex')}`;
  const bundle = join(o.workDir, id);
  const rootfs = join(bundle, 'rootfs');
  await mkdir(rootfs, { recursive: true });
  // The remapped root mounts the rootfs and the bind sources from inside its namespace: it must
  // be able to pass through the bundle (the build's scratch dir is searchable for the same reason).
  if (o.userns) await chmod(bundle, 0o711);
  await o.snapshots.prepare(id, o.parent, { labels: { 'berth.build': 'run' } });
  let mounted = false;
  try {
    await mountAll(await o.snapshots.mounts(id), rootfs);
    mounted = true;
    const net = o.network;
    const etc: SpecMount[] = typeof net === 'object'
      ? net.mounts
      : etcMounts(await writeEtcFiles(bundle, { network: net === 'host' ? 'host' : 'private', hostname: BUILD_STEP_HOSTNAME, layout: 'build-step' }), { layout: 'build-step' });
    const mounts = [...etc, ...o.mounts];
    const { spec } = await generateSpec({
      id,
      rootfs,
      config: { Env: o.env, Cmd: o.argv, Entrypoint: null, WorkingDir: o.workingDir || '/', User: o.user, Hostname: BUILD_STEP_HOSTNAME },
      hostConfig: { NetworkMode: typeof net === 'object' ? 'bridge' : net },
      mounts,
      ...(net === 'host' ? { netns: 'host' as const } : typeof net === 'object' ? { netns: net.netns } : {}),
      cgroupsPath: `${o.cgroupParent}/${id}`,
      ...(o.userns ? { userns: o.userns } : {}),
      createWorkingDir: true,
    });
    // What existed before the runtime creates mount points: the rest is removed after the run.
    const candidates = new Set<string>();
    for (const m of spec.mounts ?? []) for (const p of pathAndAncestors(m.destination)) candidates.add(p);
    const preexisting = new Set<string>();
    for (const p of candidates) if (await exists(await resolveInRoot(rootfs, p))) preexisting.add(p);
    await writeFile(join(bundle, 'config.json'), specToJson(spec));

    const child = o.runtime.run(id, bundle);
    child.stdout.on('data', (d: Buffer) => o.onOutput('stdout', d));
    child.stderr.on('data', (d: Buffer) => o.onOutput('stderr', d));
    const onAbort = (): void => void o.runtime.kill(id, 'KILL', true).catch(() => undefined);
    o.signal?.addEventListener('abort', onAbort);
    // null: the runtime itself was killed by a signal.
    const code = await child.exited.then((c) => c ?? 128).finally(() => o.signal?.removeEventListener('abort', onAbort));
    if (o.signal?.aborted) throw new BuildCancelledError('build cancelled');
    // Removed through the mounted tree: overlay drops a path only this layer has, leaving no whiteout.
    const created = [...candidates].filter((p) => !preexisting.has(p)).sort((a, b) => b.length - a.length);
    if (code === 0) for (const p of created) await removeIfEmpty(await resolveInRoot(rootfs, p));
    await unmount(rootfs);
    mounted = false;
    if (code !== 0) throw new RunFailedError(o.argv.join(' '), code);
    return await commitSnapshotLayer(o.images, id, o.parent);
  } finally {
    if (mounted) await unmount(rootfs, { lazy: true }).catch(() => undefined);
    await o.snapshots.remove(id).catch(() => undefined);
    await rm(bundle, { recursive: true, force: true }).catch(() => undefined);
  }
}

/** Removes an empty file or directory (a mount point the runtime made), nothing else. */
async function removeIfEmpty(p: string): Promise<void> {
  let st;
  try {
    st = await lstat(p);
  } catch {
    return;
  }
  if (st.isDirectory()) {
    if ((await readdir(p)).length === 0) await rm(p, { recursive: true });
  } else if (st.isFile() && st.size === 0) {
    await rm(p);
  }
}
