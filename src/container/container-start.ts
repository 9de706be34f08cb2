// Starting a container, as named steps: a fresh bundle, then seccomp agent, rootfs mount + volumes and
// network side by side (none needs another's result), user-namespace ownership, spec, runtime create +
// start, record, hooks. Each step that makes something pushes its undo; a failure unwinds them all
// (once every step under way has settled) and records the failure as docker does.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError, ConflictError, InvalidArgumentError, errorMessage } from '../errors.js';
import { checkBindPropagation } from '../runtime/spec/bind-propagation.js';
import { generateSpec } from '../runtime/spec/generate-spec.js';
import type { SpecMount } from '../runtime/spec/spec-input.js';
import { specToJson } from '../runtime/spec/spec-json.js';
import { type ContainerCore, isRunning } from './container-core.js';
import type { ContainerExits } from './container-exits.js';
import type { ContainerRecord } from './container-record.js';
import type { HostConfigNet } from '../network/api-types.js';
import { writeUnattachedEtcFiles } from '../network/container-etc-files.js';
import { logSizeLimit } from './log-driver.js';
import { endpointsConfigOf } from './endpoints-config.js';
import { linkEnv, linkedChildren } from './legacy-links.js';
import { chownToRemappedRoot } from './remapped-files.js';
import { type EarlySeccompAgent, generateWithSeccompAgent, startSeccompAgentEarly } from './seccomp-agent.js';
import { runTogether } from './run-together.js';
import { tracePhase } from './run-trace.js';
import { UndoStack } from './undo-stack.js';
import { logSize } from './log-file.js';

/** A start the runtime refused (docker answers 400 with the runtime's message). */
export class StartError extends InvalidArgumentError {}

/** What the steps of one start build up. */
interface StartRun {
  readonly c: ContainerRecord;
  readonly bundle: string;
  readonly rootfs: string;
  /** lxcfs's mount point when this container gets its /proc files. */
  readonly lxcfs: string | undefined;
  readonly undo: UndoStack;
  agent?: EarlySeccompAgent;
  /** The log file's limit in bytes (0: none), from the logging driver's options. */
  logMaxSize?: number;
  /** Volumes and binds, then the /etc files (kept apart: the steps making them run side by side). */
  volumeMounts: SpecMount[];
  etcMounts: SpecMount[];
  netns?: { path?: string; userns?: string } | 'host';
  /** Legacy links' variables, before Config.Env (which may override them), as docker's. */
  linkEnv: string[];
}

export interface StartContext {
  core: ContainerCore;
  exits: ContainerExits;
  /** Removes a `--rm` container whose start failed. */
  autoRemove: (id: string) => Promise<void>;
}

/** Runs the steps for a container that is not running (called inside its lock). */
export async function startContainer(x: StartContext, c: ContainerRecord): Promise<void> {
  const { deps } = x.core;
  const lxcfs = deps.lxcfsMountPoint && c.hostConfig.Lxcfs !== false ? deps.lxcfsMountPoint : undefined;
  const run: StartRun = { c, bundle: deps.paths.bundle(c.id), rootfs: deps.paths.rootfs(c.id), lxcfs, undo: new UndoStack(), volumeMounts: [], etcMounts: [], linkEnv: [] };
  const step = async (label: string, fn: (run: StartRun) => Promise<void> | void): Promise<void> => {
    const done = tracePhase(c.id, label);
    await fn(run);
    done();
  };
  await step('bundle', makeBundle);
  try {
    // First, as docker's driver starts before the container: a bad option fails the start untouched.
    await step('log driver', (r) => {
      r.logMaxSize = logSizeLimit(r.c.hostConfig.LogConfig);
    });
    await step('seccomp agent', (r) => startAgent(x, r));
    await runTogether([
      async () => {
        await step('mount', (r) => mountRootfs(x, r));
        await step('volumes', (r) => mountVolumes(x, r));
      },
      async () => {
        await step('links', (r) => resolveLinks(x, r));
        await step('network', (r) => attachNetwork(x, r));
      },
      () => x.exits.forgetPrevious(c.id),
    ]);
    await step('userns', (r) => chownEtcFiles(x, r));
    await step('spec', (r) => writeSpec(x, r));
    await step('runtime', (r) => createAndStart(x, r));
  } catch (err) {
    await run.undo.unwind();
    throw recordFailure(x, c, err);
  }
  announceStarted(x, c);
}

async function makeBundle(r: StartRun): Promise<void> {
  await rm(r.bundle, { recursive: true, force: true });
  await mkdir(r.rootfs, { recursive: true });
}

/** Started now, to be listening by the time the spec is written; the spec decides whether it serves. */
function startAgent(x: StartContext, r: StartRun): void {
  if (!r.lxcfs) return;
  r.agent = startSeccompAgentEarly(x.core.deps.paths.p.execRoot, r.c.id, r.c.hostConfig, { spares: x.core.seccompAgents });
  const agent = r.agent;
  if (agent) r.undo.push('seccomp agent', () => agent.kill());
}

async function mountRootfs(x: StartContext, r: StartRun): Promise<void> {
  const { runtime, snapshots } = x.core.deps;
  await runtime.mountRootfs(await snapshots.mounts(r.c.id), r.rootfs);
  r.undo.push('rootfs', () => runtime.unmountRootfs(r.rootfs));
}

async function mountVolumes(x: StartContext, r: StartRun): Promise<void> {
  const { volumes } = x.core.deps;
  if (!volumes) return;
  const v = await volumes.mountsFor(r.c, r.rootfs);
  r.volumeMounts.push(...v.mounts);
  r.c.mounts = v.inspect;
  await checkBindPropagation(v.mounts);
}

/** Legacy links of a container on the default bridge: every child running there (docker's errors). */
function resolveLinks(x: StartContext, r: StartRun): void {
  if (!('bridge' in endpointsConfigOf(r.c))) return;
  const find = (ref: string): ContainerRecord | undefined => x.core.store.find(ref);
  for (const { link, child, ip } of linkedChildren(r.c, find)) {
    if (!ip) throw new ConflictError(`container ${child.id} not attached to default bridge network`);
    r.linkEnv.push(...linkEnv(`${r.c.name}/${link.alias}`, ip, child.config.Env ?? [], Object.keys(child.config.ExposedPorts ?? {})));
  }
}

async function attachNetwork(x: StartContext, r: StartRun): Promise<void> {
  const { networking, paths } = x.core.deps;
  if (networking) {
    const n = await networking.attach(r.c, paths.dataDir(r.c.id));
    r.undo.push('network', () => networking.detach(r.c));
    r.netns = n.netns;
    r.etcMounts.push(...n.mounts);
    if (n.settings) r.c.networkSettings = n.settings;
    takeJoinedHostname(x, r);
  } else {
    r.etcMounts.push(
      ...(await writeUnattachedEtcFiles(paths.dataDir(r.c.id), {
        hostname: String(r.c.config.Hostname ?? r.c.id.slice(0, 12)),
        ...(r.c.config.Domainname ? { domainname: String(r.c.config.Domainname) } : {}),
        hostConfig: r.c.hostConfig as HostConfigNet & { ReadonlyRootfs?: boolean },
      })),
    );
    if (r.c.hostConfig.NetworkMode === 'host') r.netns = 'host';
  }
}

/**
 * `--network container:X` (a pod member too): the container answers to X's hostname, as its /etc
 * files are X's. docker copies X's Hostname and Domainname into the config at each start; so does berth.
 */
function takeJoinedHostname(x: StartContext, r: StartRun): void {
  const m = /^container:(.+)$/.exec(String(r.c.hostConfig.NetworkMode ?? ''));
  const other = m ? x.core.store.find(m[1]!) : undefined;
  if (!other) return;
  r.c.config.Hostname = other.config.Hostname;
  if (other.config.Domainname) r.c.config.Domainname = other.config.Domainname;
  else delete r.c.config.Domainname;
}

/** With --userns-remap, the container's root must own the /etc files it gets. */
async function chownEtcFiles(x: StartContext, r: StartRun): Promise<void> {
  const { userns, paths } = x.core.deps;
  if (userns) await chownToRemappedRoot(paths.dataDir(r.c.id), ['hosts', 'resolv.conf', 'hostname'], userns.root);
}

async function writeSpec(x: StartContext, r: StartRun): Promise<void> {
  const { deps } = x.core;
  const c = r.c;
  const joinNamespaces = namespacesToJoin(x, c);
  const { spec } = await generateWithSeccompAgent(r.agent, (seccompListener) => generateSpec({
    id: c.id,
    rootfs: r.rootfs,
    config: r.linkEnv.length > 0 ? { ...c.config, Env: [...r.linkEnv, ...(c.config.Env ?? [])] } : c.config,
    hostConfig: c.hostConfig as Parameters<typeof generateSpec>[0]['hostConfig'],
    mounts: [...r.volumeMounts, ...r.etcMounts],
    ...(r.netns ? { netns: r.netns } : {}),
    cgroupsPath: `${deps.cgroupParent}/${c.id}`,
    ...(deps.userns ? { userns: deps.userns.idMap } : {}),
    ...(deps.initPath ? { initPath: deps.initPath } : {}),
    joinNamespaces,
    ...(r.lxcfs ? { lxcfs: { mountPoint: r.lxcfs, ...(seccompListener ? { seccompListener } : {}) } } : {}),
  }));
  await writeFile(join(r.bundle, 'config.json'), specToJson(spec));
}

/** The runtime creates the container under its monitor, then starts it; the record says running. */
async function createAndStart(x: StartContext, r: StartRun): Promise<void> {
  const { runtime, paths } = x.core.deps;
  const c = r.c;
  const logMax = r.logMaxSize ?? 0;
  const runOffset = await logSize(c.logPath);
  // Registered before create: a create that fails half-way can leave the runtime's state behind.
  r.undo.push('runtime', () => runtime.delete(c.id, true));
  const created = tracePhase(c.id, 'runtime create');
  const task = await runtime.create({
    id: c.id,
    bundle: r.bundle,
    name: c.name.slice(1),
    logPath: c.logPath,
    ...(logMax ? { logMaxSize: logMax } : {}),
    exitDir: paths.exitDir,
    stdin: Boolean(c.config.OpenStdin),
    // docker closes a container's stdin when an attach's input ends only for StdinOnce without a tty.
    stdinOnce: Boolean(c.config.StdinOnce) && !c.config.Tty,
    tty: Boolean(c.config.Tty),
  });
  created();
  const started = tracePhase(c.id, 'runtime start');
  await runtime.start(c.id);
  started();
  x.core.runStarted(c.id, runOffset);
  c.state = {
    ...c.state,
    Status: 'running',
    Pid: task.pid,
    ConmonPid: task.monitorPid,
    ExitCode: 0,
    Error: '',
    StartedAt: new Date().toISOString(),
    // FinishedAt keeps the last run's end, as docker's does, until this run ends.
    OOMKilled: false,
  };
  c.hasBeenStarted = true;
  c.manuallyStopped = false;
  x.core.store.update(c);
}

/** Events, watchers and hooks of a started run. */
function announceStarted(x: StartContext, c: ContainerRecord): void {
  x.exits.started(c);
  x.core.emit(c, 'start');
  x.core.bus.emit(`started:${c.id}`);
  for (const h of x.core.hooks) h.started?.(c);
}

/** The failed start in the record (back to created, or exited after an earlier run) and docker's error. */
function recordFailure(x: StartContext, c: ContainerRecord, err: unknown): Error {
  const msg = errorMessage(err);
  const code = /executable file not found|no such file or directory/i.test(msg) ? 127 : /permission denied/i.test(msg) ? 126 : 128;
  c.state = { ...c.state, Status: c.hasBeenStarted ? 'exited' : 'created', Error: msg, ExitCode: code, Pid: 0 };
  x.core.store.update(c);
  // Waiters for the next exit learn of the failure; --rm containers go away as docker's do.
  setImmediate(() => {
    x.core.bus.emit(`exit:${c.id}`, code);
    if (c.hostConfig.AutoRemove) void x.autoRemove(c.id).catch(() => undefined);
  });
  if (err instanceof BerthError && !(err.name === 'RuntimeError')) return err;
  return new StartError(`failed to create task for container: OCI runtime create failed: ${msg}: unknown`);
}

/** `--pid container:X` / `--ipc container:X`: the namespaces of X's running process (docker's errors otherwise). */
function namespacesToJoin(x: StartContext, c: ContainerRecord): { pid?: string; ipc?: string } {
  const out: { pid?: string; ipc?: string } = {};
  for (const [kind, key, label] of [['pid', 'PidMode', 'PID'], ['ipc', 'IpcMode', 'IPC']] as const) {
    const m = /^container:(.+)$/.exec(String(c.hostConfig[key] ?? ''));
    if (!m) continue;
    const other = x.core.store.resolve(m[1]!);
    if (other.id === c.id) throw new InvalidArgumentError(`cannot join own ${label} namespace`);
    if (!isRunning(other) || !other.state.Pid) throw new ConflictError(`cannot join ${label} of a non running container: ${other.id}`);
    out[kind] = `/proc/${other.state.Pid}/ns/${kind}`;
  }
  return out;
}
