// Watches conmon's exit directory: a file named by the container id appears, holding the exit code,
// when the container's process ends (written by conmon, so it works across daemon restarts).
import { watch, type FSWatcher, mkdirSync } from 'node:fs';
import { readFile, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrno } from '../errors.js';

export class ExitWatcher {
  private watcher?: FSWatcher;
  private readonly seen = new Set<string>();

  constructor(private readonly dir: string, private readonly onExit: (id: string, code: number) => void) {}

  start(): void {
    mkdirSync(this.dir, { recursive: true });
    this.watcher = watch(this.dir, { persistent: false }, (_ev, name) => {
      if (name) void this.check(name.toString());
    });
    this.watcher.on('error', () => undefined);
  }

  stop(): void {
    this.watcher?.close();
  }

  /** Reads an exit file if present; calls onExit once per file. */
  async check(id: string): Promise<boolean> {
    // conmon writes `<id>.XXXXXX` and renames it to `<id>`: only the final name is an exit file.
    if (!/^[0-9a-f]{64}$/.test(id)) return false;
    if (this.seen.has(id)) return true;
    let text: string;
    try {
      text = await readFile(join(this.dir, id), 'utf8');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return false;
      throw err;
    }
    if (text.trim() === '') return false; // conmon is still writing it
    if (this.seen.has(id)) return true;
    this.seen.add(id);
    const code = Number.parseInt(text.trim(), 10);
    this.onExit(id, Number.isFinite(code) ? code : 255);
    return true;
  }

  /** Lets a later check take this exit file again (its recording failed). */
  retry(id: string): void {
    this.seen.delete(id);
  }

  /** Forgets an exit file once its exit has been recorded (so the next run can use the id). */
  async consume(id: string): Promise<void> {
    this.seen.delete(id);
    await unlink(join(this.dir, id)).catch(() => undefined);
  }

  async scan(): Promise<void> {
    for (const name of await readdir(this.dir).catch(() => [] as string[])) await this.check(name);
  }
}
