// Build events as the classic builder's text (`Step 2/5 : RUN make`, ` ---> Using cache`,
// ` ---> 3f2a…`, the step's output). Stages run side by side but the classic format reads as one
// sequence, so each stage's text is held back until the stages before it (in plan order) are done.
import { shortId } from '../oci/digest.js';
import type { BuildEvent } from './build-progress.js';

export class ClassicMessages {
  /** Stage offset → its text so far and whether it finished. */
  private readonly stages = new Map<number, { text: string[]; done: boolean }>();

  constructor(private readonly write: (text: string) => void) {}

  event(ev: BuildEvent): void {
    if (ev.type === 'message') {
      this.write(`${ev.text}\n`);
      return;
    }
    const offset = ev.step.globalIndex - ev.step.index;
    let s = this.stages.get(offset);
    if (!s) {
      s = { text: [], done: false };
      this.stages.set(offset, s);
    }
    switch (ev.type) {
      case 'start':
        if (ev.step.trigger) s.text.push(`# Executing build trigger: ${ev.step.text.replace(/^ONBUILD /, '')}\n`);
        else s.text.push(`Step ${ev.step.globalIndex}/${ev.step.globalTotal} : ${ev.step.text}\n`);
        break;
      case 'cached':
        s.text.push(' ---> Using cache\n');
        break;
      case 'output':
        // The classic builder colours a step's stderr red, each write on its own.
        s.text.push(ev.stream === 'stderr' ? `\x1b[91m${ev.data.toString('utf8')}\x1b[0m` : ev.data.toString('utf8'));
        break;
      case 'done':
        if (ev.imageId) s.text.push(` ---> ${shortId(ev.imageId)}\n`);
        if (ev.step.index === ev.step.count && !ev.step.trigger) s.done = true;
        break;
      case 'error':
        s.done = true;
        break;
    }
    this.pump();
  }

  /** Writes everything still held (at the end of a build, failed or not). */
  flush(): void {
    for (const key of [...this.stages.keys()].sort((a, b) => a - b)) {
      const s = this.stages.get(key)!;
      if (s.text.length) this.write(s.text.splice(0).join(''));
    }
  }

  private pump(): void {
    for (const key of [...this.stages.keys()].sort((a, b) => a - b)) {
      const s = this.stages.get(key)!;
      if (s.text.length) this.write(s.text.splice(0).join(''));
      if (!s.done) return;
    }
  }
}
