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
  const { agent, pidFileText } = adoptSeccompAgent(pid, socketPath, socketPath);
  // For stopSeccompAgent after a berthd restart, when this child object is long gone.
  await writeFile(agentPidFile(socketPath), pidFileText);
  return agent;
}

/** The file beside an agent's socket naming its pid (and, for a moved spare, the path it was started with). */
export const agentPidFile = (socketPath: string): string => socketPath.replace(/\.sock$/, '.pid');

/**
 * The agent `pid`, started on `startedAt` (its command line names that path), now listening at
 * socketPath (a spare's socket is moved there), and the text of its pid file.
 */
export function adoptSeccompAgent(pid: number, socketPath: string, startedAt: string): { agent: SeccompAgent; pidFileText: string } {
  return {
    agent: { pid, socketPath, kill: () => killAgent(pid, socketPath, startedAt) },
    pidFileText: startedAt === socketPath ? `${pid}\n` : `${pid}\n${startedAt}\n`,
  };
}

/** SIGKILL to the agent at socketPath if pid still is it (started on `startedAt`), and its files removed. */
function killAgent(pid: number, socketPath: string, startedAt = socketPath): void {
  try {
    if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(startedAt)) process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
  rmSync(socketPath, { force: true });
  rmSync(agentPidFile(socketPath), { force: true });
}

/**
 * Ends a container's agent, with the container's runtime files. Mostly it has exited by itself (its
 * container is gone); not when the container failed before its runtime connected (a missing
 * executable), where it would wait for a connection that never comes.
 */
export async function stopSeccompAgent(execRoot: string, containerId: string): Promise<void> {
  await stopAgentAt(seccompAgentSocket(execRoot, containerId));
}

/** Ends the agent whose pid file sits beside socketPath (see agentPidFile), and removes both files. */
export async function stopAgentAt(socketPath: string): Promise<void> {
  const [pidText, startedAt] = (await readFile(agentPidFile(socketPath), 'utf8').catch(() => '')).split('\n');
  const pid = Number.parseInt(pidText ?? '', 10);
  if (Number.isInteger(pid) && pid > 0) killAgent(pid, socketPath, startedAt || socketPath);
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
  o: { spares?: { take(socketPath: string): Promise<SeccompAgent | undefined> }; log?: (message: string) => void } = {},
): EarlySeccompAgent | undefined {
  const log = o.log ?? ((m: string) => console.error(`berthd: ${m}`));
  if (seccompAgentBinary() === undefined || hostConfig.Privileged === true) return undefined;
  const profileGiven = (hostConfig.SecurityOpt ?? []).some((opt) => /^seccomp[=:]/.test(opt) && !/^seccomp[=:](builtin)?$/.test(opt));
  if (profileGiven) return undefined;
  const socketPath = seccompAgentSocket(execRoot, containerId);
  const spare = o.spares ? o.spares.take(socketPath).catch(() => undefined) : Promise.resolve(undefined);
  const started = spare.then((a) => a ?? startSeccompAgent(socketPath)).catch((err: Error) => {
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
