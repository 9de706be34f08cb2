// Builds a container's OCI runtime spec (config.json) from its Engine API Config and HostConfig,
// with docker's secure defaults: its capabilities, seccomp profile, masked paths, device rules and
// mounts. Errors are docker's (InvalidArgumentError for what the caller asked wrongly).
import { mkdir, chown, readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { InvalidArgumentError, errorMessage, isErrno } from '../../errors.js';
import { resolveInRoot } from '../../fsutil/resolve-in-root.js';
import { toHostId } from '../../oci/id-map.js';
import { resolveCapabilities } from '../capabilities.js';
import { defaultSeccompProfile } from '../seccomp/default-profile.js';
import { parseSeccompProfile, seccompProfileToOci } from '../seccomp/profile-to-oci.js';
import { withResourceViewNotify } from '../seccomp/resource-view-notify.js';
import { resolveExecUser } from '../user/exec-user.js';
import { checkDeviceRequests } from './device-requests.js';
import { allHostDevices, defaultDeviceRules, mappedDevices, parseDeviceCgroupRule } from './devices.js';
import { probeHost, type HostInfo } from './host-info.js';
import { lxcfsMounts } from './lxcfs-mounts.js';
import { assembleMounts, cleanPath, DEFAULT_SHM_SIZE, defaultMounts, rootfsPropagationFor, specMountToOci, tmpfsMounts } from './mounts.js';
import { buildEnv } from './process-env.js';
import { resolveResources } from './resources.js';
import { resolveRlimits } from './rlimits.js';
import { OCI_RUNTIME_SPEC_VERSION, type LinuxDevice, type LinuxNamespace, type LinuxSeccomp, type RuntimeSpec } from './runtime-spec.js';
import { parseSecurityOpts } from './security-opts.js';
import type { GenerateSpecInput, SpecMount } from './spec-input.js';
import { validateSysctls } from './sysctls.js';
import { sysfsForUserNamespace, userNamespaceFor } from './user-namespace.js';
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './system-paths.js';

export interface GeneratedSpec {
  spec: RuntimeSpec;
  /** Things docker would warn about (settings dropped or lowered); the API returns them on create. */
  warnings: string[];
}

const INIT_PATH = '/sbin/docker-init';

/** The namespace mode of --pid/--ipc/--uts: '' (private), 'host', or a container to join. */
function mode(value: string | undefined): { kind: 'private' | 'host' | 'container' | 'none'; ref?: string } {
  const v = value ?? '';
  if (v === 'host') return { kind: 'host' };
  if (v === 'none') return { kind: 'none' };
  if (v.startsWith('container:')) return { kind: 'container', ref: v.slice('container:'.length) };
  if (v === '' || v === 'private' || v === 'shareable') return { kind: 'private' };
  throw new InvalidArgumentError(`invalid namespace mode: ${v}`);
}

export async function generateSpec(input: GenerateSpecInput, host: HostInfo = probeHost()): Promise<GeneratedSpec> {
  const { config, hostConfig: hc } = input;
  const warnings: string[] = [];
  const privileged = hc.Privileged === true;

  // Command.
  let args = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (args.length === 0) throw new InvalidArgumentError('No command specified');
  const extraMounts: SpecMount[] = [];
  if (hc.Init) {
    if (input.initPath === undefined) throw new InvalidArgumentError('--init was asked for but no init binary is configured');
    args = [INIT_PATH, '--', ...args];
    extraMounts.push({ type: 'bind', source: input.initPath, destination: INIT_PATH, readOnly: true });
  }

  // Namespaces.
  const pid = mode(hc.PidMode);
  const ipc = mode(hc.IpcMode);
  const uts = mode(hc.UTSMode);
  if (pid.kind === 'none' || uts.kind === 'none') throw new InvalidArgumentError('invalid namespace mode: none');
  if (uts.kind === 'container') throw new InvalidArgumentError(`invalid UTS mode: ${hc.UTSMode}`);
  const userns = userNamespaceFor(hc, input.userns);
  const join = input.joinNamespaces ?? {};
  const namespaces: LinuxNamespace[] = [];
  const add = (type: LinuxNamespace['type'], m: { kind: string; ref?: string }, path: string | undefined): void => {
    if (m.kind === 'host') return;
    if (m.kind === 'container') {
      if (path === undefined) throw new InvalidArgumentError(`cannot join the ${type} namespace of container ${m.ref}: no namespace path given`);
      namespaces.push({ type, path });
      return;
    }
    namespaces.push({ type });
  };
  add('pid', pid, join.pid);
  add('ipc', ipc, join.ipc);
  add('uts', uts, undefined);
  namespaces.push({ type: 'mount' });
  // The caller normally says; without a word from it, HostConfig's NetworkMode decides.
  const netns = input.netns ?? (hc.NetworkMode === 'host' ? 'host' : undefined);
  if (netns === undefined) namespaces.push({ type: 'network' });
  else if (netns !== 'host') namespaces.push(netns.path ? { type: 'network', path: netns.path } : { type: 'network' });
  // A network namespace made inside a user namespace is only usable from that one: join it.
  const joinedUserns = typeof netns === 'object' && netns.path ? netns.userns : undefined;
  if (userns) namespaces.push(joinedUserns ? { type: 'user', path: joinedUserns } : { type: 'user' });
  const cgroupns = hc.CgroupnsMode || (host.cgroupV2 ? 'private' : 'host');
  if (cgroupns !== 'private' && cgroupns !== 'host') throw new InvalidArgumentError(`invalid cgroup namespace mode: ${cgroupns}`);
  if (cgroupns === 'private') namespaces.push({ type: 'cgroup' });

  // Hostname: none without a UTS namespace of its own; the host's with --network host.
  let hostname: string | undefined;
  if (uts.kind !== 'host') hostname = config.Hostname || (netns === 'host' ? host.hostname : input.id.slice(0, 12));

  // Security options.
  const sec = parseSecurityOpts(hc.SecurityOpt);
  warnings.push(...sec.warnings);

  // User.
  const user = await resolveExecUser(input.rootfs, config.User ?? '', hc.GroupAdd ?? []);

  // Working directory.
  let cwd = '/';
  if (config.WorkingDir) {
    if (!posix.isAbsolute(config.WorkingDir)) {
      throw new InvalidArgumentError(`the working directory '${config.WorkingDir}' is invalid, it needs to be an absolute path`);
    }
    cwd = cleanPath(config.WorkingDir);
    if (input.createWorkingDir !== false) {
      // In a user namespace the directory is owned by the host ids the user maps to.
      const uid = userns ? toHostId(userns.uidMappings, user.uid) ?? user.uid : user.uid;
      const gid = userns ? toHostId(userns.gidMappings, user.gid) ?? user.gid : user.gid;
      await makeWorkingDir(input.rootfs, cwd, uid, gid);
    }
  }

  // Capabilities and seccomp.
  const caps = resolveCapabilities({
    capAdd: hc.CapAdd,
    capDrop: hc.CapDrop,
    privileged,
    hostBounding: input.hostCapabilities ?? host.capBounding,
  });
  warnings.push(...caps.warnings);
  let seccomp: LinuxSeccomp | undefined;
  if (!privileged && sec.seccomp !== 'unconfined') {
    const profile = sec.seccomp === undefined ? defaultSeccompProfile() : parseSeccompProfile(await seccompText(sec.seccomp));
    seccomp = seccompProfileToOci(profile, { capabilities: caps.capabilities, arch: host.arch, kernel: host.kernel });
    const listener = input.lxcfs?.seccompListener;
    if (listener !== undefined && sec.seccomp === undefined) seccomp = withResourceViewNotify(seccomp, listener) ?? seccomp;
  }

  // Limits.
  const rl = resolveRlimits(hc.Ulimits, host.rlimitHard);
  warnings.push(...rl.warnings);
  const oomScoreAdj = hc.OomScoreAdj ?? 0;
  if (oomScoreAdj < -1000 || oomScoreAdj > 1000) {
    throw new InvalidArgumentError(`Invalid value ${oomScoreAdj}, range for oom score adj is [-1000, 1000]`);
  }
  const res = await resolveResources(hc, host);
  warnings.push(...res.warnings);

  // Devices.
  checkDeviceRequests(hc.DeviceRequests);
  const deviceRules = privileged ? [{ allow: true, access: 'rwm' }] : defaultDeviceRules();
  const devices: LinuxDevice[] = privileged ? await allHostDevices() : [];
  for (const mapping of hc.Devices ?? []) {
    const mapped = await mappedDevices(mapping);
    for (const d of mapped.devices) {
      const i = devices.findIndex((x) => x.path === d.path);
      if (i >= 0) devices[i] = d;
      else devices.push(d);
    }
    if (!privileged) deviceRules.push(...mapped.rules);
  }
  if (!privileged) for (const r of hc.DeviceCgroupRules ?? []) deviceRules.push(parseDeviceCgroupRule(r));
  res.resources.devices = deviceRules;

  // Sysctls.
  const sysctl = validateSysctls(hc.Sysctls, {
    privateIpc: ipc.kind !== 'host',
    privateNet: netns !== 'host',
    privateUts: uts.kind !== 'host',
  });

  // Mounts.
  const shmSize = hc.ShmSize ?? 0;
  if (shmSize < 0) throw new InvalidArgumentError('SHM size can not be less than 0');
  const readonlyRootfs = hc.ReadonlyRootfs === true;
  const defaults = defaultMounts({
    shmSize: shmSize > 0 ? shmSize : DEFAULT_SHM_SIZE,
    ipcMode: ipc.kind === 'host' ? 'host' : ipc.kind === 'none' ? 'none' : 'private',
    readonlyRootfs,
    privileged,
  });
  const callerMounts = [...(input.mounts ?? [])];
  const callerDestinations = new Set(callerMounts.map((m) => cleanPath(m.destination)));
  for (const t of tmpfsMounts(hc.Tmpfs)) {
    if (!callerDestinations.has(cleanPath(t.destination))) callerMounts.push(t);
  }
  callerMounts.push(...extraMounts);
  const seen = new Set<string>();
  for (const m of callerMounts) {
    const d = cleanPath(m.destination);
    if (seen.has(d)) throw new InvalidArgumentError(`Duplicate mount point: ${d}`);
    seen.add(d);
  }
  const lxcfs = input.lxcfs ? lxcfsMounts(input.lxcfs.mountPoint) : [];
  let mounts = assembleMounts(defaults, lxcfs, callerMounts.map(specMountToOci));
  if (userns && typeof netns === 'object' && netns.path && !joinedUserns) mounts = sysfsForUserNamespace(mounts);

  // Paths under /proc and /sys.
  const unconfined = privileged || sec.unconfinedSystemPaths;
  const maskedPaths = unconfined ? [] : [...(hc.MaskedPaths ?? DEFAULT_MASKED_PATHS)];
  const readonlyPaths = unconfined ? [] : [...(hc.ReadonlyPaths ?? DEFAULT_READONLY_PATHS)];

  const spec: RuntimeSpec = {
    ociVersion: OCI_RUNTIME_SPEC_VERSION,
    process: {
      terminal: config.Tty === true,
      user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
      args,
      env: buildEnv({ hostname: hostname ?? host.hostname, tty: config.Tty === true, env: config.Env, home: user.home || '/' }),
      cwd,
      capabilities: {
        bounding: caps.capabilities,
        effective: [...caps.capabilities],
        permitted: [...caps.capabilities],
      },
      rlimits: rl.rlimits,
      noNewPrivileges: sec.noNewPrivileges,
      oomScoreAdj,
    },
    root: { path: input.rootfs, readonly: readonlyRootfs },
    mounts,
    linux: {
      resources: res.resources,
      cgroupsPath: input.cgroupsPath,
      namespaces,
      maskedPaths,
      readonlyPaths,
    },
  };
  const process = spec.process!;
  const linux = spec.linux!;
  if (config.Tty && Array.isArray(hc.ConsoleSize) && hc.ConsoleSize.length === 2 && hc.ConsoleSize[0]! > 0 && hc.ConsoleSize[1]! > 0) {
    process.consoleSize = { height: hc.ConsoleSize[0]!, width: hc.ConsoleSize[1]! };
  }
  if (hostname !== undefined) spec.hostname = hostname;
  if (hc.Annotations && Object.keys(hc.Annotations).length > 0) spec.annotations = { ...hc.Annotations };
  if (devices.length > 0) linux.devices = devices;
  if (userns) {
    linux.uidMappings = userns.uidMappings.map((m) => ({ ...m }));
    linux.gidMappings = userns.gidMappings.map((m) => ({ ...m }));
  }
  // The domain name goes in as a sysctl: runc 1.1 ignores the spec's `domainname` field, and
  // kernel.domainname is namespaced with the UTS namespace.
  if (config.Domainname && uts.kind !== 'host' && sysctl['kernel.domainname'] === undefined) {
    sysctl['kernel.domainname'] = config.Domainname;
  }
  if (Object.keys(sysctl).length > 0) linux.sysctl = sysctl;
  if (seccomp !== undefined) linux.seccomp = seccomp;
  const propagation = rootfsPropagationFor(callerMounts);
  if (propagation !== undefined) linux.rootfsPropagation = propagation;
  return { spec, warnings };
}

/** A profile given inline (JSON, as the docker CLI sends it) or, for berth's own CLI, a host file. */
async function seccompText(value: string): Promise<string> {
  if (value.trimStart().startsWith('{')) return value;
  if (!posix.isAbsolute(value)) throw new InvalidArgumentError(`Decoding seccomp profile failed: not JSON and not an absolute path: ${value}`);
  try {
    return await readFile(value, 'utf8');
  } catch (err) {
    throw new InvalidArgumentError(`opening seccomp profile (${value}) failed: ${errorMessage(err)}`);
  }
}

/** Makes the working directory inside the rootfs, new directories owned by the container's user. */
async function makeWorkingDir(rootfs: string, cwd: string, uid: number, gid: number): Promise<void> {
  const parts = cwd.split('/').filter((p) => p !== '');
  let current = '';
  for (const part of parts) {
    current = `${current}/${part}`;
    const real = await resolveInRoot(rootfs, current);
    try {
      await mkdir(real, { mode: 0o755 });
      await chown(real, uid, gid);
    } catch (err) {
      if (!isErrno(err, 'EEXIST')) throw err;
    }
  }
}
