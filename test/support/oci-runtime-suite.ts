// The conformance suite every OciRuntime implementation runs: the states a task goes through,
// the exit file its end leaves, exec into a running task, and the errors for unknown ones.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, NotFoundError } from '../../src/errors.js';
import type { OciRuntime } from '../../src/runtime/oci-runtime.js';
import { until } from './until.js';

export interface RuntimeFixture {
  runtime: OciRuntime;
  /** Where tasks' exit files go. */
  exitDir: string;
  /** Scratch space (logs, exec dirs). */
  dir: string;
  /** A bundle (config.json, rootfs) whose init sleeps until killed or sent SIGTERM. */
  bundle(id: string): Promise<string>;
  /** Removes what the suite's tasks left (cgroups, state); called after each test. */
  cleanup(ids: string[]): Promise<void>;
}

export function ociRuntimeSuite(name: string, setup: () => Promise<RuntimeFixture>, o: { skip?: string | false } = {}): void {
  describe(`OciRuntime conformance: ${name}`, { skip: o.skip ?? false }, () => {
    const newId = (): string => randomBytes(32).toString('hex');
    const exitCode = (f: RuntimeFixture, id: string): Promise<number> =>
      until(`the exit file of ${id.slice(0, 12)}`, () => {
        try {
          const text = readFileSync(join(f.exitDir, id), 'utf8').trim();
          return text === '' ? undefined : Number.parseInt(text, 10);
        } catch {
          return undefined;
        }
      });

    /** Runs fn with a created task and always cleans up. */
    async function withTask(fn: (f: RuntimeFixture, id: string) => Promise<void>): Promise<void> {
      const f = await setup();
      const id = newId();
      try {
        await f.runtime.create({ id, bundle: await f.bundle(id), name: 'conformance', logPath: join(f.dir, `${id}.log`), exitDir: f.exitDir, stdin: false, tty: false });
        await fn(f, id);
      } finally {
        await f.runtime.delete(id, true).catch(() => undefined);
        await f.cleanup([id]);
      }
    }

    it('goes created → running → paused → running → stopped, and delete forgets it', () =>
      withTask(async (f, id) => {
        const created = await f.runtime.state(id);
        assert.equal(created?.status, 'created');
        assert.ok(created.pid > 0);
        await f.runtime.start(id);
        assert.equal((await f.runtime.state(id))?.status, 'running');
        assert.ok((await f.runtime.pids(id)).includes(created.pid), 'pids lists the init');
        await f.runtime.pause(id);
        assert.equal((await f.runtime.state(id))?.status, 'paused');
        await f.runtime.resume(id);
        assert.equal((await f.runtime.state(id))?.status, 'running');
        await f.runtime.kill(id, 'KILL', true);
        assert.equal(await exitCode(f, id), 137);
        await until('the stopped state', async () => ((await f.runtime.state(id))?.status === 'stopped' ? true : undefined));
        await f.runtime.delete(id);
        assert.equal(await f.runtime.state(id), undefined);
      }));

    it('applies new resources to a running task', () =>
      withTask(async (f, id) => {
        await f.runtime.start(id);
        await f.runtime.update(id, { pids: { limit: 200 } });
      }));

    it('runs an exec in a running task and reports its exit code', () =>
      withTask(async (f, id) => {
        await f.runtime.start(id);
        const execId = newId();
        const p = await f.runtime.exec({
          containerId: id,
          execId,
          name: 'conformance',
          dir: join(f.dir, `exec-${execId.slice(0, 12)}`),
          process: { args: ['true'], cwd: '/', user: { uid: 0, gid: 0 }, env: ['PATH=/bin:/usr/bin'], terminal: false },
          logPath: join(f.dir, `exec-${execId.slice(0, 12)}.log`),
          stdin: false,
          tty: false,
        });
        assert.ok(p.pid > 0);
        assert.equal(await p.exited, 0);
      }));

    it('signals the init of a running task, and refuses a signal once the task has ended', () =>
      withTask(async (f, id) => {
        await f.runtime.start(id);
        // Until its handler is set, an init ignores SIGTERM (a loaded machine may take a while to
        // run the shell's trap): signalled again until it ends.
        const exited = exitCode(f, id);
        let done = false;
        void exited.finally(() => (done = true));
        while (!done) {
          await f.runtime.kill(id, 'TERM').catch(() => undefined);
          await Promise.race([exited, new Promise((r) => setTimeout(r, 200))]);
        }
        await exited;
        await assert.rejects(f.runtime.kill(id, 'TERM'), ConflictError);
      }));

    it('starts a task only once', () =>
      withTask(async (f, id) => {
        await f.runtime.start(id);
        await assert.rejects(f.runtime.start(id));
      }));

    it('knows nothing of an unknown id: no state, delete is a no-op, kill is NotFound', async () => {
      const f = await setup();
      const id = newId();
      try {
        assert.equal(await f.runtime.state(id), undefined);
        await f.runtime.delete(id, true);
        await assert.rejects(f.runtime.kill(id, 'TERM'), NotFoundError);
      } finally {
        await f.cleanup([]);
      }
    });
  });
}
