// Build events as BuildKit's plain progress (`#3 [stage-0 2/5] RUN make`, `#3 0.412 output`,
// `#3 CACHED`, `#3 DONE 1.2s`, `#3 ERROR: …`), for `berth build` (the API's classic messages
// are for the docker CLI).
import type { BuildEvent } from './build-progress.js';

export class PlainMessages {
  private readonly started = new Map<number, number>();
  private readonly partial = new Map<number, string>();

  constructor(private readonly write: (text: string) => void) {}

  event(ev: BuildEvent): void {
    if (ev.type === 'message') {
      this.write(`${ev.text}\n`);
      return;
    }
    const n = ev.step.vertex;
    switch (ev.type) {
      case 'start':
        this.started.set(n, ev.time);
        this.write(`#${n} [${ev.step.stage} ${ev.step.index}/${ev.step.count}] ${ev.step.text.split('\n')[0]}\n`);
        break;
      case 'cached':
        this.write(`#${n} CACHED\n`);
        break;
      case 'output': {
        const t = ((Date.now() - (this.started.get(n) ?? Date.now())) / 1000).toFixed(3);
        const text = (this.partial.get(n) ?? '') + ev.data.toString('utf8');
        const lines = text.split('\n');
        this.partial.set(n, lines.pop() ?? '');
        for (const l of lines) this.write(`#${n} ${t} ${l}\n`);
        break;
      }
      case 'done': {
        const rest = this.partial.get(n);
        if (rest) this.write(`#${n} ${rest}\n`);
        this.partial.delete(n);
        if (!ev.cached) this.write(`#${n} DONE ${(ev.ms / 1000).toFixed(1)}s\n`);
        break;
      }
      case 'error':
        this.write(`#${n} ERROR: ${ev.message}\n`);
        if (ev.lastOutput.length) this.write(`------\n${ev.lastOutput.map((l) => ` > [${ev.step.stage} ${ev.step.index}/${ev.step.count}] ${l}`).join('\n')}\n------\n`);
        break;
    }
  }
}
