// A container's run ending: conmon's exit file (or a monitor found dead) becomes the recorded exit,
// with docker's `oom` and `die` events, the runtime's traces released and the hooks asked whether
// the restart policy brings it back. Also the pass after a daemon restart.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { stopSeccompAgent } from './seccomp-agent.js';
import { type ContainerCore, delay, isRunning } from './container-core.js';
import type { ContainerRecord } from './container-record.js';
import { ExitWatcher } from './exit-watcher.js';
import { OomWatcher } from './oom-watcher.js';
import { traceMoment, tracePhase } from './run-trace.js';
import { existsSync } from 'node:fs';
import { processAlive } from '../sys/process-alive.js';

const MONITOR_LOST = 'container monitor (conmon) exited without an exit status';

export class ContainerExits {
  private readonly exits: ExitWatcher;
  private readonly ooms = new OomWatcher((id) => this.onOom(id));
  /** Running containers that have had their `oom` event in this run. */
  private readonly oomReported = new Set<string>();
  /** Exit recordings started by the exit-file watcher and not finished yet. */
  private readonly recording = new Set<Promise<void>>();
  private sweepTimer?: NodeJS.Timeout;

  /** `autoRemove` removes a `--rm` container once its exit is recorded (called inside its lock). */
  constructor(private readonly core: ContainerCore, private readonly autoRemove: (c: ContainerRecord) => Promise<void>) {
    this.exits = new ExitWatcher(core.deps.paths.exitDir, (id, code) => {
      // A recording that failed leaves the file to the next check (recovery, the lost-run sweep).
      const p = this.recordExit(id, code).catch(() => this.exits.retry(id)).finally(() => this.recording.delete(p));
      this.recording.add(p);
    });
  }

  async init(): Promise<void> {
    await mkdir(this.core.deps.paths.exitDir, { recursive: true });
    this.exits.start();
    await this.recover();
    // Safety net: a conmon that dies without writing its exit file (killed, or crashed) must not
    // leave a container "running" forever and its waiters hanging.
    this.sweepTimer = setInterval(() => void this.sweepLost(), 2000);
    this.sweepTimer.unref();
  }

  shutdown(): void {
    this.exits.stop();
    this.ooms.stop();
    if (this.sweepTimer) clearInterval(this.sweepTimer);
  }

  /** Before a run: an exit file left from the last one must not end the new one. */
  forgetPrevious(id: string): Promise<void> {
    return this.exits.consume(id);
  }

  /** A run has started: watch it for OOM kills, and catch an exit that came before it was recorded. */
  started(c: ContainerRecord): void {
    this.oomReported.delete(c.id);
    this.ooms.watch(c.id, this.core.deps.paths.bundle(c.id));
    void this.exits.check(c.id);
  }

  /** After a daemon restart: containers whose conmon lives stay running; the rest get their exit. */
  async recover(): Promise<void> {
    for (const c of this.core.store.list()) {
      if (c.state.Status !== 'running' && c.state.Status !== 'paused' && c.state.Status !== 'restarting') continue;
      if (await this.exits.check(c.id)) continue;
      const alive = c.state.ConmonPid ? processAlive(c.state.ConmonPid) : false;
      if (alive) this.ooms.watch(c.id, this.core.deps.paths.bundle(c.id));
      if (!alive) {
        // conmon died without an exit file (machine reboot or kill -9 of conmon): the container is gone.
        await this.recordExit(c.id, 255, MONITOR_LOST);
      }
    }
    await this.exits.scan();
    // Exits seen in files are recorded asynchronously: recovery is over when they are.
    await Promise.all([...this.recording]);
  }

  private async sweepLost(): Promise<void> {
    for (const c of this.core.store.list()) {
      if (!isRunning(c)) continue;
      if (!c.state.ConmonPid || processAlive(c.state.ConmonPid) || this.core.exiting.has(c.id)) continue;
      if (await this.exits.check(c.id)) continue;
      await delay(200);
      if (await this.exits.check(c.id)) continue;
      const cur = this.core.store.get(c.id);
      if (cur && cur.state.ConmonPid === c.state.ConmonPid && isRunning(cur)) await this.recordExit(c.id, 255, MONITOR_LOST);
    }
  }

  /**
   * Records the end of a run (idempotent: only a running container has one to record). Waiters
   * (stop, wait, attach) learn of it once the network is released, as docker's do; the runtime's
   * state, the rootfs mount and the bundle go after that, still inside the container's lock, so the
   * next start or a removal finds them gone.
   */
  async recordExit(id: string, code: number, error = ''): Promise<void> {
    const core = this.core;
    traceMoment(id, `exit ${code} seen`);
    core.exiting.add(id);
    let recorded = false;
    let autoRemove = false;
    let removed = false;
    try {
      await core.locked(id, async () => {
        const c = core.store.get(id);
        if (!c || (c.state.Status !== 'running' && c.state.Status !== 'paused' && c.state.Status !== 'restarting')) {
          await this.exits.consume(id);
          return;
        }
        // An OOM the live watcher has not reported yet (the kill that ended the container, or one
        // while the daemon was down) gets its event now, before `die`.
        const [pendingOom, oomKilled] = await Promise.all([this.ooms.claim(core.deps.paths.bundle(id)), this.wasOomKilled(c)]);
        const oom = oomKilled || pendingOom || c.state.OOMKilled;
        const reportOom = oom && !this.oomReported.has(id);
        this.ooms.unwatch(id);
        this.oomReported.delete(id);
        await Promise.all([core.deps.networking?.detach(c).catch(() => undefined), this.exits.consume(id)]);
        c.state = { ...c.state, Status: 'exited', Pid: 0, ExitCode: code, Error: error, FinishedAt: new Date().toISOString(), OOMKilled: oom };
        delete c.state.ConmonPid;
        let restart = false;
        for (const h of core.hooks) if (h.exited?.(c) === 'restart') restart = true;
        if (restart) c.state.Status = 'restarting';
        core.store.update(c);
        if (reportOom) core.emit(c, 'oom');
        core.emit(c, 'die', { exitCode: String(code) });
        core.exiting.delete(id);
        recorded = true;
        autoRemove = Boolean(c.hostConfig.AutoRemove);
        traceMoment(id, 'exit recorded');
        core.bus.emit(`exit:${id}`, code);
        if (autoRemove) {
          removed = await this.autoRemove(c).then(() => true, () => false);
          return;
        }
        // The waiters answer first: the release spawns runc, whose fork would delay their replies.
        await new Promise((r) => setImmediate(r));
        const released = tracePhase(id, 'release');
        await this.releaseRuntime(c);
        released();
      });
    } finally {
      core.exiting.delete(id);
    }
    if (!recorded) core.bus.emit(`exit:${id}`, code);
    if (removed) core.bus.emit(`removed:${id}`);
  }

  /** The OOM killer struck in a running container (maybe only a child): docker's `oom` event at once. */
  private onOom(id: string): void {
    const c = this.core.store.get(id);
    if (!c || !isRunning(c) || this.core.exiting.has(id)) return;
    this.oomReported.add(id);
    c.state = { ...c.state, OOMKilled: true };
    this.core.store.update(c);
    this.core.emit(c, 'oom');
  }

  private async wasOomKilled(c: ContainerRecord): Promise<boolean> {
    // cgroup v1: memory.oom_control's oom_kill counter of the container's cgroup.
    try {
      const t = await readFile(`/sys/fs/cgroup/memory${this.core.deps.cgroupParent}/${c.id}/memory.oom_control`, 'utf8');
      return /oom_kill [1-9]/.test(t);
    } catch {
      return false;
    }
  }

  /** Deletes the runtime's container, unmounts the rootfs and releases the network. Idempotent. */
  async releaseRuntime(c: ContainerRecord): Promise<void> {
    const { deps } = this.core;
    this.ooms.unwatch(c.id);
    if (!existsSync(deps.paths.bundle(c.id))) return; // already cleaned up after its exit
    // The runtime's state, the rootfs mount and the network are independent: release them together.
    await Promise.all([
      deps.runtime.delete(c.id, true).catch(() => undefined),
      deps.runtime.unmountRootfs(deps.paths.rootfs(c.id)),
      deps.networking ? deps.networking.detach(c).catch(() => undefined) : undefined,
    ]);
    await rm(deps.paths.bundle(c.id), { recursive: true, force: true }).catch(() => undefined);
    await stopSeccompAgent(deps.paths.p.execRoot, c.id);
  }
}
