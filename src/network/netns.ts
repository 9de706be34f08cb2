// Persistent network namespaces as bind-mounted nsfs files in one directory, the way `ip netns`
// keeps them, so runc can join one by path and the namespace outlives its processes.
// Node cannot unshare(2) itself: util-linux's `unshare --net=<file>` makes the namespace, binds it to
// the file and runs `ip link set lo up` inside it, all in one exec (about 6 ms here, against ~15 ms
// for `ip netns add` plus a second exec for the loopback).
//
// A daemon that remaps ids (--userns-remap) makes each network namespace inside a user namespace of
// its own with the remapping, bound beside it: the container joins that user namespace, which then
// owns its network namespace, as runc needs for mounting /sys and for `exec` (which enters the user
// namespace before the others).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, unlink, writeFile, mkdir, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isErrno } from '../errors.js';
import type { IdMap, IdMapping } from '../oci/id-map.js';
import { execProgram } from '../sys/exec-program.js';
import { MNT_DETACH, MS, mountSync, umount2Sync } from '../sys/syscalls.js';

/**
 * Makes `dir` a private mount point (a bind mount of itself), as the kernel refuses nsfs bind mounts
 * under shared mounts and a private one keeps the netns files from propagating into containers.
 */
export async function prepareNetnsDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
  if (!(await isMountPoint(dir))) mountSync(dir, dir, null, MS.BIND, null);
  mountSync(null, dir, null, MS.PRIVATE, null);
}

async function isMountPoint(path: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((line) => line.split(' ')[4] === path);
}

/** The user namespace owning the network namespaces of a remapped daemon: where its files go, and its mapping. */
export interface NetnsOwner {
  usernsDir: string;
  idMap: IdMap;
}

/** The user namespace file that goes with the network namespace file `netnsPath`. */
export function usernsFileOf(netnsPath: string, owner: NetnsOwner): string {
  return join(owner.usernsDir, basename(netnsPath));
}

/** Creates a new network namespace bound at `path` with its loopback up (owned by a new user namespace with `owner`). */
export async function createNetns(path: string, owner?: NetnsOwner): Promise<void> {
  await writeFile(path, '', { mode: 0o444, flag: 'wx' });
  try {
    if (owner) await createOwnedNetns(path, usernsFileOf(path, owner), owner.idMap);
    else await execProgram('unshare', [`--net=${path}`, 'ip', 'link', 'set', 'lo', 'up']);
  } catch (err) {
    await removeNetns(path, owner);
    throw err;
  }
}

function mapText(mappings: IdMapping[]): string {
  return mappings.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}

/**
 * unshare makes both namespaces; its program waits on stdin while the maps are written and the
 * namespaces bound to their files from here (only a live process inside gives the /proc paths,
 * and unshare's own binding of a user namespace is refused). The loopback is brought up from the
 * host, which holds every capability over the new namespace.
 */
async function createOwnedNetns(path: string, usernsPath: string, idMap: IdMap): Promise<void> {
  await writeFile(usernsPath, '', { mode: 0o444, flag: 'wx' });
  const child = spawn('unshare', ['--user', '--net', '--', 'sh', '-c', 'echo; read _ || true'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'close') as Promise<[number | null]>;
  try {
    const ready = await Promise.race([once(child.stdout, 'data').then(() => true), exited.then(() => false)]);
    if (!ready) throw new Error(`unshare failed: ${stderr.trim()}`);
    await writeFile(`/proc/${child.pid}/uid_map`, mapText(idMap.uidMappings));
    await writeFile(`/proc/${child.pid}/gid_map`, mapText(idMap.gidMappings));
    mountSync(`/proc/${child.pid}/ns/user`, usernsPath, null, MS.BIND, null);
    mountSync(`/proc/${child.pid}/ns/net`, path, null, MS.BIND, null);
  } finally {
    child.stdin.end();
  }
  const [code] = await exited;
  if (code !== 0) throw new Error(`unshare failed: ${stderr.trim()}`);
  await execProgram('nsenter', [`--net=${path}`, 'ip', 'link', 'set', 'lo', 'up']);
}

/** Unbinds and deletes a namespace file (and its user namespace's); the namespace dies with its last process. Idempotent. */
export async function removeNetns(path: string, owner?: NetnsOwner): Promise<void> {
  if (owner) await removeNetns(usernsFileOf(path, owner));
  try {
    umount2Sync(path, MNT_DETACH);
  } catch (err) {
    if (!isErrno(err, 'EINVAL') && !isErrno(err, 'ENOENT')) throw err;
  }
  await unlink(path).catch((err) => {
    if (!isErrno(err, 'ENOENT')) throw err;
  });
}

/** The namespace files present in `dir` (for reconciliation and diagnostics). */
export async function listNetns(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).map((n) => join(dir, n));
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  }
}

/** Runs a command inside a namespace (tests, diagnostics). */
export async function execInNetns(path: string, argv: string[], timeoutMs = 10_000): Promise<{ stdout: string; stderr: string }> {
  return execProgram('nsenter', [`--net=${path}`, '--', ...argv], { timeout: timeoutMs });
}
