// Container endpoints of the Engine API.
import type { IncomingMessage } from 'node:http';
import type { ApiClient, Hijacked } from './api-client.js';
import { readBody } from './api-client.js';
import { type Filters, encodeFilters } from './filters.js';
import type { ContainerCreateRequest, ContainerInspect, ContainerSummary } from './types.js';

const enc = encodeURIComponent;

/** `pod`: berth's extension, the container joins that pod (docs/pods.md). */
export async function createContainer(c: ApiClient, body: ContainerCreateRequest, opts: { name?: string; platform?: string; pod?: string } = {}): Promise<{ Id: string; Warnings?: string[] | null }> {
  return c.json('POST', '/containers/create', { query: { name: opts.name, platform: opts.platform, pod: opts.pod }, body });
}

export async function startContainer(c: ApiClient, id: string, detachKeys?: string): Promise<void> {
  await c.call('POST', `/containers/${enc(id)}/start`, { query: { detachKeys } });
}

export async function stopContainer(c: ApiClient, id: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
  await c.call('POST', `/containers/${enc(id)}/stop`, { query: { t: opts.timeout, signal: opts.signal } });
}

export async function restartContainer(c: ApiClient, id: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
  await c.call('POST', `/containers/${enc(id)}/restart`, { query: { t: opts.timeout, signal: opts.signal } });
}

export async function killContainer(c: ApiClient, id: string, signal?: string): Promise<void> {
  await c.call('POST', `/containers/${enc(id)}/kill`, { query: { signal } });
}

export async function removeContainer(c: ApiClient, id: string, opts: { force?: boolean; volumes?: boolean; link?: boolean } = {}): Promise<void> {
  await c.call('DELETE', `/containers/${enc(id)}`, { query: { force: opts.force || undefined, v: opts.volumes || undefined, link: opts.link || undefined } });
}

export async function listContainers(c: ApiClient, opts: { all?: boolean; limit?: number; size?: boolean; filters?: Filters } = {}): Promise<ContainerSummary[]> {
  return c.json('GET', '/containers/json', {
    query: { all: opts.all || undefined, limit: opts.limit !== undefined && opts.limit > 0 ? opts.limit : undefined, size: opts.size || undefined, filters: encodeFilters(opts.filters) },
  });
}

export async function inspectContainer(c: ApiClient, id: string, size = false): Promise<ContainerInspect> {
  return c.json('GET', `/containers/${enc(id)}/json`, { query: { size: size || undefined } });
}

export async function renameContainer(c: ApiClient, id: string, name: string): Promise<void> {
  await c.call('POST', `/containers/${enc(id)}/rename`, { query: { name } });
}

export async function pauseContainer(c: ApiClient, id: string): Promise<void> {
  await c.call('POST', `/containers/${enc(id)}/pause`);
}

export async function unpauseContainer(c: ApiClient, id: string): Promise<void> {
  await c.call('POST', `/containers/${enc(id)}/unpause`);
}

export async function topContainer(c: ApiClient, id: string, psArgs?: string): Promise<{ Titles: string[]; Processes: string[][] }> {
  return c.json('GET', `/containers/${enc(id)}/top`, { query: { ps_args: psArgs } });
}

export async function resizeContainer(c: ApiClient, id: string, height: number, width: number): Promise<void> {
  await c.call('POST', `/containers/${enc(id)}/resize`, { query: { h: height, w: width } });
}

export interface AttachOptions {
  stream?: boolean;
  logs?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  detachKeys?: string;
}

export async function attachContainer(c: ApiClient, id: string, o: AttachOptions): Promise<Hijacked> {
  return c.hijack('POST', `/containers/${enc(id)}/attach`, {
    query: { stream: o.stream ?? true, logs: o.logs || undefined, stdin: o.stdin || undefined, stdout: o.stdout || undefined, stderr: o.stderr || undefined, detachKeys: o.detachKeys },
  });
}

const WAIT_HEADERS_GRACE_MS = 500;

export interface WaitResult {
  StatusCode: number;
  Error?: { Message?: string } | null;
}

/**
 * POST /containers/{id}/wait. Resolves once the request has reached the daemon, with the
 * eventual result (which arrives when the container stops or is removed).
 */
export async function beginWait(c: ApiClient, id: string, condition?: 'not-running' | 'next-exit' | 'removed'): Promise<{ result: Promise<WaitResult> }> {
  const { response } = await c.sendFlushed('POST', `/containers/${enc(id)}/wait`, { query: { condition } });
  // dockerd sends the status line as soon as the wait is registered; that is the signal that
  // /start may follow. A daemon that holds the headers back still gets the request first.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    response.catch(() => undefined),
    new Promise<void>((r) => {
      timer = setTimeout(r, WAIT_HEADERS_GRACE_MS);
    }),
  ]);
  clearTimeout(timer);
  const result = response.then(async (res) => {
    const raw = (await readBody(res)).toString('utf8').trim();
    return JSON.parse(raw) as WaitResult;
  });
  result.catch(() => undefined);
  return { result };
}

export async function containerLogs(c: ApiClient, id: string, o: { follow?: boolean; stdout?: boolean; stderr?: boolean; since?: string; until?: string; timestamps?: boolean; tail?: string; details?: boolean }): Promise<IncomingMessage> {
  return c.send('GET', `/containers/${enc(id)}/logs`, {
    query: {
      follow: o.follow || undefined, stdout: o.stdout ?? true, stderr: o.stderr ?? true, since: o.since || undefined, until: o.until || undefined,
      timestamps: o.timestamps || undefined, tail: o.tail, details: o.details || undefined,
    },
  });
}

export async function pruneContainers(c: ApiClient, filters?: Filters): Promise<{ ContainersDeleted?: string[] | null; SpaceReclaimed?: number }> {
  return c.json('POST', '/containers/prune', { query: { filters: encodeFilters(filters) } });
}

export interface ExecConfig {
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  DetachKeys?: string;
  Tty?: boolean;
  ConsoleSize?: [number, number];
  Env?: string[];
  Cmd: string[];
  Privileged?: boolean;
  User?: string;
  WorkingDir?: string;
}

export async function createExec(c: ApiClient, id: string, config: ExecConfig): Promise<{ Id: string }> {
  return c.json('POST', `/containers/${enc(id)}/exec`, { body: config });
}

export async function startExecDetached(c: ApiClient, execId: string, tty: boolean): Promise<void> {
  await c.call('POST', `/exec/${enc(execId)}/start`, { body: { Detach: true, Tty: tty } });
}

export async function startExecAttached(c: ApiClient, execId: string, tty: boolean, consoleSize?: [number, number]): Promise<Hijacked> {
  return c.hijack('POST', `/exec/${enc(execId)}/start`, { body: { Detach: false, Tty: tty, ...(consoleSize ? { ConsoleSize: consoleSize } : {}) } });
}

export async function inspectExec(c: ApiClient, execId: string): Promise<{ ExitCode: number | null; Running: boolean; Pid?: number }> {
  return c.json('GET', `/exec/${enc(execId)}/json`);
}

export async function resizeExec(c: ApiClient, execId: string, height: number, width: number): Promise<void> {
  await c.call('POST', `/exec/${enc(execId)}/resize`, { query: { h: height, w: width } });
}
