// The per-container seccomp agent (native/seccomp_agent.c): answers the container's sysinfo(2) and
// sched_getaffinity(2) from its cgroups, so `free` and `nproc` agree with lxcfs's /proc files. berthd
// starts it before `runc create` (runc connects to its socket to hand over the filter's notify
// descriptor, and fails the create when nobody listens); it runs in a session of its own like conmon,
// outlives a berthd restart, and exits by itself when the container is gone.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RuntimeError } from '../runtime/oci-runtime.js';
import type { RuntimeSpec } from '../runtime/spec/runtime-spec.js';

/** Built beside the native addon by `npm run build:native` (scripts/setup.sh). */
const AGENT_BINARY = fileURLToPath(new URL('../../../native/build/Release/berth-seccomp-agent', import.meta.url));

export interface SeccompAgent {
  pid: number;
  socketPath: string;
  /** Ends the agent and removes its socket (for a container that failed to start: a started one's agent exits with it). */
  kill(): void;
}

/** The agent binary, when it was built and BERTH_SECCOMP_AGENT=0 does not turn it off (daemon-wide). */
export function seccompAgentBinary(): string | undefined {
  if (/^(0|false|no)$/i.test(process.env.BERTH_SECCOMP_AGENT ?? '')) return undefined;
  return existsSync(AGENT_BINARY) ? AGENT_BINARY : undefined;
}

/** The agent's socket: under the exec root, short enough for sun_path (108 bytes) with any id. */
export function seccompAgentSocket(execRoot: string, containerId: string): string {
  return join(execRoot, 'seccomp', `${containerId.slice(0, 24)}.sock`);
}

/** Starts an agent listening at socketPath; resolves once it listens. */
export async function startSeccompAgent(socketPath: string, o: { binary?: string; timeoutMs?: number } = {}): Promise<SeccompAgent> {
  const binary = o.binary ?? seccompAgentBinary();
  if (binary === undefined) throw new RuntimeError('the seccomp agent is not built (run scripts/setup.sh)');
  await mkdir(dirname(socketPath), { recursive: true, mode: 0o700 });
  const child = spawn(binary, [socketPath], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => (err += d));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new RuntimeError(`the seccomp agent did not start in time${err ? `: ${err.trim()}` : ''}`)), o.timeoutMs ?? 5000);
      child.stdout.on('data', (d: string) => {
        out += d;
        if (out.includes('ready\n')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new RuntimeError(`starting the seccomp agent: ${e.message}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new RuntimeError(`the seccomp agent exited with ${code}${err ? `: ${err.trim()}` : ''}`));
      });
    });
  } catch (e) {
    if (child.exitCode === null) child.kill('SIGKILL');
    throw e;
  } finally {
    child.stdout.destroy();
    child.stderr.destroy();
    child.removeAllListeners('exit');
    child.unref();
  }
  const pid = child.pid!;
  // For stopSeccompAgent after a berthd restart, when this child object is long gone.
  await writeFile(pidFile(socketPath), `${pid}\n`);
  return {
    pid,
    socketPath,
    kill(): void {
      killAgent(pid, socketPath);
    },
  };
}

const pidFile = (socketPath: string): string => socketPath.replace(/\.sock$/, '.pid');

/** SIGKILL to the agent of socketPath if pid still is it, and its files removed. */
function killAgent(pid: number, socketPath: string): void {
  try {
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(socketPath)) process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
  rmSync(socketPath, { force: true });
  rmSync(pidFile(socketPath), { force: true });
}

/**
 * Ends a container's agent, with the container's runtime files. Mostly it has exited by itself (its
 * container is gone); not when the container failed before its runtime connected (a missing
 * executable), where it would wait for a connection that never comes.
 */
export async function stopSeccompAgent(execRoot: string, containerId: string): Promise<void> {
  const socketPath = seccompAgentSocket(execRoot, containerId);
  const pid = Number.parseInt(await readFile(pidFile(socketPath), 'utf8').catch(() => ''), 10);
  if (Number.isInteger(pid) && pid > 0) killAgent(pid, socketPath);
  else await rm(socketPath, { force: true }).catch(() => undefined);
}

/** An agent started early, while the container's mounts and network are made; the spec decides whether it serves. */
export interface EarlySeccompAgent {
  socketPath: string;
  /** The agent; undefined when it could not start (the reason is logged). */
  started: Promise<SeccompAgent | undefined>;
  /** Ends it, whenever it finishes starting (the container failed to start). */
  kill(): void;
}

/**
 * Starts the agent of a container that will get lxcfs; undefined when the agent is off or not built,
 * or when the container's seccomp cannot be docker's default profile (--privileged, a profile given).
 */
export function startSeccompAgentEarly(
  execRoot: string,
  containerId: string,
  hostConfig: { Privileged?: boolean; SecurityOpt?: string[] | null },
  log: (message: string) => void = (m) => console.error(`berthd: ${m}`),
): EarlySeccompAgent | undefined {
  if (seccompAgentBinary() === undefined || hostConfig.Privileged === true) return undefined;
  const profileGiven = (hostConfig.SecurityOpt ?? []).some((o) => /^seccomp[=:]/.test(o) && !/^seccomp[=:](builtin)?$/.test(o));
  if (profileGiven) return undefined;
  const socketPath = seccompAgentSocket(execRoot, containerId);
  const started = startSeccompAgent(socketPath).catch((err: Error) => {
    log(`${err.message}; the container's sysinfo and sched_getaffinity show the host`);
    return undefined;
  });
  return { socketPath, started, kill: () => void started.then((a) => a?.kill()) };
}

/**
 * A container's spec made by `generate`, with the agent as its seccomp listener when the spec sends
 * calls to one (docker's default profile). An agent the spec does not use is stopped; when the agent
 * could not start, the spec is made again without it: the container then sees the host's numbers in
 * those two calls rather than failing to start.
 */
export async function generateWithSeccompAgent<T extends { spec: RuntimeSpec }>(
  agent: EarlySeccompAgent | undefined,
  generate: (seccompListener: string | undefined) => Promise<T>,
): Promise<T> {
  const generated = await generate(agent?.socketPath);
  if (agent === undefined) return generated;
  const started = await agent.started;
  if (generated.spec.linux?.seccomp?.listenerPath === undefined) {
    started?.kill();
    return generated;
  }
  return started ? generated : generate(undefined);
}
