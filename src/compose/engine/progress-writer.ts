// Progress like compose v2's: one line per resource ("Container p-web-1  Started"). On a terminal
// the lines are redrawn in place under a `[+] Running n/m` header with spinners and timers; else
// each change is a plain line (` Container p-web-1 Started `); quiet writes nothing.
import type { Writable } from 'node:stream';

export type ProgressStatus = 'working' | 'done' | 'warning' | 'error';

export interface ProgressEvent {
  /** `Container p-web-1`, `Network p_default`, `Volume p_data`. */
  readonly id: string;
  readonly status: ProgressStatus;
  /** `Creating`, `Created`, `Starting`, `Healthy`… */
  readonly text: string;
  readonly details?: string;
}

export interface ProgressWriter {
  /** `Running`, `Stopping`, `Removing`… the TTY header's verb. */
  start(operation: string): void;
  event(e: ProgressEvent): void;
  /** Draws the final state and stops redrawing. */
  done(): void;
}

export type ProgressMode = 'auto' | 'tty' | 'plain' | 'quiet';

export function createProgressWriter(out: Writable & { isTTY?: boolean; columns?: number }, mode: ProgressMode = 'auto'): ProgressWriter {
  if (mode === 'quiet') return { start() {}, event() {}, done() {} };
  if (mode === 'plain' || (mode === 'auto' && !out.isTTY)) return new PlainProgress(out);
  return new TtyProgress(out);
}

class PlainProgress implements ProgressWriter {
  constructor(private readonly out: Writable) {}
  start(): void {}
  event(e: ProgressEvent): void {
    this.out.write(` ${e.id} ${e.text} ${e.details ?? ''}\n`);
  }
  done(): void {}
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const MARK: Record<Exclude<ProgressStatus, 'working'>, string> = { done: '\x1b[32m✔\x1b[0m', warning: '\x1b[33m!\x1b[0m', error: '\x1b[31m✘\x1b[0m' };
const REDRAW_MS = 100;

interface Task {
  event: ProgressEvent;
  started: number;
  ended?: number;
}

class TtyProgress implements ProgressWriter {
  private readonly tasks = new Map<string, Task>();
  private operation = 'Running';
  private timer: NodeJS.Timeout | undefined;
  private drawnLines = 0;
  private frame = 0;

  constructor(private readonly out: Writable & { columns?: number }) {}

  start(operation: string): void {
    this.operation = operation;
    this.timer = setInterval(() => this.draw(), REDRAW_MS);
    this.timer.unref();
  }

  event(e: ProgressEvent): void {
    const now = Date.now();
    const task = this.tasks.get(e.id);
    if (!task) this.tasks.set(e.id, { event: e, started: now, ...(e.status !== 'working' ? { ended: now } : {}) });
    else {
      task.event = e;
      if (e.status === 'working') delete task.ended;
      else task.ended = now;
    }
    if (!this.timer) this.draw();
  }

  done(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.draw();
  }

  private draw(): void {
    const tasks = [...this.tasks.values()];
    if (tasks.length === 0) return;
    this.frame = (this.frame + 1) % SPINNER.length;
    const doneCount = tasks.filter((t) => t.ended !== undefined).length;
    const width = Math.max(40, this.out.columns ?? 80);
    const idWidth = Math.max(...tasks.map((t) => t.event.id.length));
    const now = Date.now();
    const lines = [`\x1b[34m[+] ${this.operation} ${doneCount}/${tasks.length}\x1b[0m`];
    for (const t of tasks) {
      const e = t.event;
      const mark = e.status === 'working' ? SPINNER[this.frame]! : MARK[e.status];
      const left = ` ${mark} ${e.id.padEnd(idWidth)} ${e.text}${e.details ? ` ${e.details}` : ''}`;
      const timer = `${(((t.ended ?? now) - t.started) / 1000).toFixed(1)}s`;
      const visible = left.replace(/\x1b\[[0-9;]*m/g, '').length;
      const pad = Math.max(1, width - visible - timer.length - 1);
      lines.push(`${left}${' '.repeat(pad)}\x1b[34m${timer}\x1b[0m`);
    }
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A` : '';
    this.out.write(`${up}${lines.map((l) => `\x1b[2K${l}`).join('\n')}\n`);
    this.drawnLines = lines.length;
  }
}
