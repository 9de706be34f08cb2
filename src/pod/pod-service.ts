// Pods (docs/pods.md): an infra container holding the network namespace (and per the pod, IPC and
// PID) and its published ports, plus members that join it. Records live in SQLite (pod-record.ts);
// membership is the io.berth.pod label on each container, so ordinary clients see ordinary containers.
import { randomBytes } from 'node:crypto';
import { ConflictError, InvalidArgumentError, NotFoundError, NotModifiedError } from '../errors.js';
import type { ContainerService, CreateRequest } from '../container/container-service.js';
import type { ContainerRecord } from '../container/container-record.js';
import { generateContainerName } from '../container/container-names.js';
import type { TopResult } from '../container/container-top.js';
import type { LogEntry } from '../container/log-file.js';
import type { ImageService } from '../image/image-service.js';
import { parseReference } from '../oci/reference.js';
import type { FilterArgs } from '../filters/mod.js';
import { PodStore, type PodRecord } from './pod-record.js';
import { DEFAULT_INFRA_COMMAND, DEFAULT_INFRA_IMAGE, type PodCreateRequest, parseShare, validatePodName } from './pod-options.js';
import { infraRequest, memberRequest, podContainers } from './pod-containers.js';
import { inspectPod, type PodMembers, summarizePod } from './pod-view.js';
import { filterPods, prunablePods, type PodWithMembers } from './pod-filters.js';
import { mergeMemberLogs } from './pod-logs.js';
import type { Db } from '../db/database.js';

export interface PodServiceDeps {
  db: Db;
  containers: ContainerService;
  images: ImageService;
  /** tini is there for --init: the infra container then reaps the pod's orphans when PID is shared. */
  hasInit: boolean;
}

export interface PodActionReport {
  Id: string;
  Errs: string[];
}

export interface PodLogsRequest {
  stdout: boolean;
  stderr: boolean;
  follow: boolean;
  tail?: number;
  sinceNano?: bigint;
  untilNano?: bigint;
  containers?: string[];
  names?: boolean;
  signal?: AbortSignal;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const isUp = (c: ContainerRecord): boolean => ['running', 'paused', 'restarting'].includes(c.state.Status);

export class PodService {
  readonly store: PodStore;
  private readonly cs: ContainerService;

  constructor(private readonly deps: PodServiceDeps) {
    this.store = new PodStore(deps.db);
    this.cs = deps.containers;
  }

  /**
   * After a crash: a pod whose create stopped before its infra container was recorded gets it
   * back by name, or is dropped (nothing else of it can exist: members join a recorded infra).
   */
  init(): void {
    for (const p of this.store.list()) {
      if (p.infraId) continue;
      const infra = this.cs.find(p.infraName);
      if (infra) this.store.update({ ...p, infraId: infra.id });
      else this.store.delete(p.id);
    }
  }

  async create(req: PodCreateRequest): Promise<{ Id: string }> {
    const id = randomBytes(32).toString('hex');
    const name = req.Name ? validatePodName(req.Name) : this.freeName();
    if (this.store.find(name)?.name === name) throw new ConflictError(`pod ${name} already exists: that name is in use`);
    const pod: PodRecord = {
      id,
      name,
      created: new Date().toISOString(),
      infraName: `${id.slice(0, 12)}-infra`,
      infraId: '',
      labels: { ...(req.Labels ?? {}) },
      hostname: req.Hostname || name,
      share: parseShare(req.Share),
      infraImage: req.InfraImage || DEFAULT_INFRA_IMAGE,
      infraCommand: req.InfraCommand ?? (req.InfraImage ? [] : DEFAULT_INFRA_COMMAND),
    };
    await this.ensureImage(pod.infraImage);
    // The record first, naming its infra container: a crash from here on is put right by init().
    this.store.insert(pod);
    try {
      const { Id } = await this.cs.create(pod.infraName, infraRequest(pod, req, this.deps.hasInit));
      this.store.update({ ...pod, infraId: Id });
    } catch (err) {
      this.store.delete(pod.id);
      throw err;
    }
    return { Id: id };
  }

  /** `POST /containers/create?pod=NAME`: a container that joins the pod (its infra is started if need be). */
  async createContainer(podRef: string, name: string | undefined, req: CreateRequest): Promise<{ Id: string; Warnings: string[] }> {
    const pod = this.resolve(podRef);
    const { infra } = this.membersOf(pod);
    if (!infra) throw new ConflictError(`pod ${pod.name} has no infra container: remove it and create it again`);
    const result = await this.cs.create(name, memberRequest(pod, req));
    if (!isUp(infra)) await this.cs.start(infra.id).catch((err) => (err instanceof NotModifiedError ? undefined : Promise.reject(err)));
    return result;
  }

  resolve(ref: string): PodRecord {
    return this.store.resolve(ref);
  }

  membersOf(pod: PodRecord): PodMembers {
    return podContainers(pod, this.cs.list());
  }

  list(filters: FilterArgs): Array<Record<string, unknown>> {
    return filterPods(this.withMembers(), filters).map(({ pod, members }) => summarizePod(pod, members));
  }

  inspect(ref: string): Record<string, unknown> {
    const pod = this.resolve(ref);
    return inspectPod(pod, this.membersOf(pod));
  }

  /** The infra container first (the others join its namespaces), then the members. */
  async start(ref: string): Promise<PodActionReport> {
    const pod = this.resolve(ref);
    const { infra, members } = this.membersOf(pod);
    const errs: string[] = [];
    if (infra) await this.each([infra], errs, (c) => (isUp(c) ? undefined : this.cs.start(c.id)));
    if (errs.length === 0) await this.each(members, errs, (c) => (isUp(c) ? undefined : this.cs.start(c.id)));
    return { Id: pod.id, Errs: errs };
  }

  /** The members (side by side), then the infra container. */
  async stop(ref: string, timeout?: number): Promise<PodActionReport> {
    const pod = this.resolve(ref);
    const { infra, members } = this.membersOf(pod);
    const errs: string[] = [];
    const stop = (c: ContainerRecord): Promise<void> | undefined => (isUp(c) ? this.cs.stop(c.id, timeout !== undefined ? { timeout } : {}) : undefined);
    await this.each(members, errs, stop);
    if (infra) await this.each([infra], errs, stop);
    return { Id: pod.id, Errs: errs };
  }

  async restart(ref: string, timeout?: number): Promise<PodActionReport> {
    const stopped = await this.stop(ref, timeout);
    if (stopped.Errs.length > 0) return stopped;
    return this.start(ref);
  }

  async kill(ref: string, signal = 'SIGKILL'): Promise<PodActionReport> {
    const pod = this.resolve(ref);
    const { infra, members } = this.membersOf(pod);
    const running = [...members, ...(infra ? [infra] : [])].filter((c) => c.state.Status === 'running' || c.state.Status === 'paused');
    if (running.length === 0) throw new ConflictError(`pod ${pod.name} has no running containers`);
    const errs: string[] = [];
    await this.each(running, errs, (c) => this.cs.kill(c.id, signal));
    return { Id: pod.id, Errs: errs };
  }

  async pause(ref: string): Promise<PodActionReport> {
    const pod = this.resolve(ref);
    const errs: string[] = [];
    await this.each(this.all(pod).filter((c) => c.state.Status === 'running'), errs, (c) => this.cs.pause(c.id));
    return { Id: pod.id, Errs: errs };
  }

  async unpause(ref: string): Promise<PodActionReport> {
    const pod = this.resolve(ref);
    const errs: string[] = [];
    await this.each(this.all(pod).filter((c) => c.state.Status === 'paused'), errs, (c) => this.cs.unpause(c.id));
    return { Id: pod.id, Errs: errs };
  }

  /** Without force, a pod with members or running containers is refused (podman's rule). */
  async remove(ref: string, o: { force?: boolean; timeout?: number } = {}): Promise<{ Id: string; RemovedCtrs: string[] }> {
    const pod = this.resolve(ref);
    const { infra, members } = this.membersOf(pod);
    if (!o.force) {
      if (members.length > 0) throw new ConflictError(`pod ${pod.name} has containers that are not ready to be removed: remove them first or use force`);
      if (infra && isUp(infra)) throw new ConflictError(`pod ${pod.name} is running: stop it first or use force`);
    }
    const removed: string[] = [];
    const errs: string[] = [];
    await this.each(members, errs, async (c) => {
      await this.cs.remove(c.id, { force: true, volumes: false });
      removed.push(c.id);
    });
    if (errs.length > 0) throw new ConflictError(`removing pod ${pod.name}: ${errs.join('; ')}`);
    if (infra) {
      await this.cs.remove(infra.id, { force: true, volumes: false }).catch((err) => (err instanceof NotFoundError ? undefined : Promise.reject(err)));
      removed.push(infra.id);
    }
    this.store.delete(pod.id);
    return { Id: pod.id, RemovedCtrs: removed };
  }

  async prune(filters: FilterArgs): Promise<{ PodsDeleted: string[] }> {
    const deleted: string[] = [];
    for (const { pod } of prunablePods(this.withMembers(), filters)) {
      await this.remove(pod.id, { force: true });
      deleted.push(pod.id);
    }
    return { PodsDeleted: deleted };
  }

  /** The processes of every running container of the pod, one `ps` table. */
  async top(ref: string, psArgs?: string): Promise<TopResult> {
    const pod = this.resolve(ref);
    const running = this.all(pod).filter((c) => c.state.Status === 'running' || c.state.Status === 'paused');
    if (running.length === 0) throw new ConflictError(`pod ${pod.name} is not running`);
    let titles: string[] = [];
    const processes: string[][] = [];
    for (const c of running) {
      const t = await this.cs.top(c.id, psArgs);
      titles = t.Titles;
      processes.push(...t.Processes);
    }
    return { Titles: titles, Processes: processes };
  }

  /** The members' logs (not the infra container's), merged. */
  logs(ref: string, o: PodLogsRequest): AsyncGenerator<LogEntry> {
    const pod = this.resolve(ref);
    let members = this.membersOf(pod).members;
    if (o.containers && o.containers.length > 0) {
      const wanted = o.containers.map((x) => this.cs.resolve(x).id);
      members = members.filter((c) => wanted.includes(c.id));
      if (members.length !== wanted.length) throw new InvalidArgumentError(`only containers of pod ${pod.name} can be named`);
    }
    const { containers: _c, names, ...opts } = o;
    void _c;
    return mergeMemberLogs(
      members.map((c) => ({ prefix: names ? c.name.replace(/^\//, '') : c.id.slice(0, 12), entries: this.cs.logs(c.id, opts) })),
      o.follow,
    );
  }

  private all(pod: PodRecord): ContainerRecord[] {
    const { infra, members } = this.membersOf(pod);
    return [...(infra ? [infra] : []), ...members];
  }

  private withMembers(): PodWithMembers[] {
    const containers = this.cs.list();
    return this.store.list().map((pod) => ({ pod, members: podContainers(pod, containers) }));
  }

  /** Runs the action on each container side by side; failures become the report's Errs. */
  private async each(list: readonly ContainerRecord[], errs: string[], fn: (c: ContainerRecord) => Promise<void> | undefined): Promise<void> {
    await Promise.all(
      list.map(async (c) => {
        try {
          await fn(c);
        } catch (err) {
          if (!(err instanceof NotModifiedError)) errs.push(`${c.name.replace(/^\//, '')}: ${message(err)}`);
        }
      }),
    );
  }

  private freeName(): string {
    for (let i = 0; ; i++) {
      const name = generateContainerName(i).slice(1);
      if (!this.store.find(name)) return name;
    }
  }

  private async ensureImage(image: string): Promise<void> {
    try {
      this.deps.images.resolve(image);
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      await this.deps.images.pull(parseReference(image));
    }
  }
}
