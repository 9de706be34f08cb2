// Device nodes and the device cgroup. A container may use only docker's default devices (null,
// zero, full, random, urandom, tty, console, ptmx, pts, tun) and make nodes it cannot open;
// --device adds a host device (its type and numbers read from the host), --device-cgroup-rule
// allows more, --privileged gets every host device and no device restrictions.
import { lstat, readdir, stat, realpath } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { InvalidArgumentError, errorMessage, isErrno } from '../../errors.js';
import type { LinuxDevice, LinuxDeviceCgroup } from './runtime-spec.js';
import type { DeviceMapping } from './spec-input.js';

const rwm = 'rwm';

/** Deny everything, then docker's allowed devices and mknod of any node. */
export function defaultDeviceRules(): LinuxDeviceCgroup[] {
  const c = (major: number | undefined, minor: number | undefined, access = rwm): LinuxDeviceCgroup => {
    const r: LinuxDeviceCgroup = { allow: true, type: 'c', access };
    if (major !== undefined) r.major = major;
    if (minor !== undefined) r.minor = minor;
    return r;
  };
  return [
    { allow: false, access: rwm },
    c(undefined, undefined, 'm'), // mknod of any char device …
    { allow: true, type: 'b', access: 'm' }, // … and block device; opening them stays denied
    c(1, 3), // /dev/null
    c(1, 5), // /dev/zero
    c(1, 7), // /dev/full
    c(1, 8), // /dev/random
    c(1, 9), // /dev/urandom
    c(5, 0), // /dev/tty
    c(5, 1), // /dev/console
    c(5, 2), // /dev/ptmx
    c(136, undefined), // /dev/pts/*
    c(10, 200), // /dev/net/tun
  ];
}

/** Major and minor numbers of a dev_t as Linux encodes it. */
export function splitDev(rdev: bigint): { major: number; minor: number } {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return { major: Number(major & 0xffffffffn), minor: Number(minor & 0xffffffffn) };
}

/** The device node at a host path, or undefined when the path is not a device. */
export async function hostDevice(path: string, follow = false): Promise<LinuxDevice | undefined> {
  const st = follow ? await stat(path, { bigint: true }) : await lstat(path, { bigint: true });
  let type: LinuxDevice['type'];
  if (st.isCharacterDevice()) type = 'c';
  else if (st.isBlockDevice()) type = 'b';
  else return undefined;
  const { major, minor } = splitDev(st.rdev);
  return { path, type, major, minor, fileMode: Number(st.mode & 0o7777n), uid: Number(st.uid), gid: Number(st.gid) };
}

/** Every device under a host directory, recursively, as the host has it (symlinks skipped). */
async function devicesUnder(dir: string, skip: ReadonlySet<string> = new Set()): Promise<LinuxDevice[]> {
  const out: LinuxDevice[] = [];
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'EACCES')) return out;
    throw err;
  }
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (!skip.has(e.name)) out.push(...(await devicesUnder(path, skip)));
      continue;
    }
    if (!e.isCharacterDevice() && !e.isBlockDevice()) continue;
    if (e.name === 'console') continue;
    try {
      const d = await hostDevice(path);
      if (d !== undefined) out.push(d);
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }
  }
  return out;
}

/** The host's devices for --privileged: all of /dev but its pseudo-filesystems and the console. */
export async function allHostDevices(devDir = '/dev'): Promise<LinuxDevice[]> {
  return devicesUnder(devDir, new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']));
}

function validPermissions(p: string): boolean {
  return p.length > 0 && p.length <= 3 && /^[rwm]+$/.test(p) && new Set(p).size === p.length;
}

/** One --device mapping: the nodes to create and the cgroup rules that let them be used. */
export async function mappedDevices(m: DeviceMapping): Promise<{ devices: LinuxDevice[]; rules: LinuxDeviceCgroup[] }> {
  const perms = m.CgroupPermissions || rwm;
  if (!validPermissions(perms)) throw new InvalidArgumentError(`bad mode specified: ${perms}`);
  const onHost = m.PathOnHost;
  const inContainer = m.PathInContainer || onHost;
  if (!posix.isAbsolute(inContainer)) throw new InvalidArgumentError(`${inContainer} is not an absolute path`);
  const fail = (why: string): never => {
    throw new InvalidArgumentError(`error gathering device information while adding custom device "${onHost}": ${why}`);
  };
  let resolved: string;
  let dev: LinuxDevice | undefined;
  try {
    resolved = await realpath(onHost);
    const st = await stat(resolved);
    if (st.isDirectory()) {
      const found = await devicesUnder(resolved);
      const devices = found.map((d) => ({ ...d, path: posix.join(inContainer, posix.relative(resolved, d.path)) }));
      return { devices, rules: devices.map((d) => rule(d, perms)) };
    }
    dev = await hostDevice(resolved);
  } catch (err) {
    if (isErrno(err, 'ENOENT')) fail('no such file or directory');
    fail(errorMessage(err));
  }
  if (dev === undefined) return fail('not a device node');
  const device = { ...dev, path: inContainer };
  return { devices: [device], rules: [rule(device, perms)] };
}

function rule(d: LinuxDevice, access: string): LinuxDeviceCgroup {
  return { allow: true, type: d.type === 'b' ? 'b' : 'c', major: d.major, minor: d.minor, access };
}

/** Parses a --device-cgroup-rule like `c 13:* rwm`. */
export function parseDeviceCgroupRule(text: string): LinuxDeviceCgroup {
  const m = /^([acb]) ([0-9]+|\*):([0-9]+|\*) ([rwm]{1,3})$/.exec(text.trim());
  if (m === null) throw new InvalidArgumentError(`invalid device cgroup rule format: '${text}'`);
  const r: LinuxDeviceCgroup = { allow: true, type: m[1] as 'a' | 'c' | 'b', access: m[4] as string };
  if (m[2] !== '*') r.major = Number(m[2]);
  if (m[3] !== '*') r.minor = Number(m[3]);
  return r;
}
