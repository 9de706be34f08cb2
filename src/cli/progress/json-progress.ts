// Shows the daemon's JSON progress stream (pull, push, load, import) like docker: in a terminal
// one line per layer, redrawn in place with a progress bar; otherwise plain status lines and no
// bars.
import type { Writable } from 'node:stream';
import type { JsonMessage } from '../../client/types.js';
import { humanSize } from '../format/units.js';

/** An error carried inside the stream (`{"error": …}`). */
export class StreamError extends Error {}

/** docker's progress text: `[=====>        ]  1.2MB/3.4MB`. */
export function formatProgress(detail: JsonMessage['progressDetail'], width: number): string {
  const current = detail?.current ?? 0;
  const total = detail?.total ?? 0;
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current).padStart(8);
  let percentage = Math.trunc(Math.trunc((current / total) * 100) / 2);
  if (percentage > 50) percentage = 50;
  let bar = '';
  if (width > 110) bar = `[${'='.repeat(percentage)}>${' '.repeat(Math.max(0, 50 - percentage))}] `;
  let numbers = '';
  if (!detail?.hidecounts) {
    numbers = current > total ? '' : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  }
  return bar + numbers;
}

export interface ProgressDisplay {
  /** Shows one message; throws StreamError for an error message. */
  show(msg: JsonMessage): void;
}

export function createProgressDisplay(out: Writable & { isTTY?: boolean; columns?: number }, isTerminal = Boolean(out.isTTY)): ProgressDisplay {
  let ids = new Map<string, number>();
  const width = (): number => (out.columns && out.columns > 0 ? out.columns : 200);
  return {
    show(msg: JsonMessage): void {
      if (msg.error || msg.errorDetail?.message) throw new StreamError(msg.errorDetail?.message ?? msg.error ?? 'unknown error');
      const hasProgress = msg.progressDetail !== undefined;
      let diff = 0;
      if (msg.id && (hasProgress || msg.progress)) {
        let line = ids.get(msg.id);
        if (line === undefined) {
          line = ids.size;
          ids.set(msg.id, line);
          if (isTerminal) out.write('\n');
        }
        diff = ids.size - line;
        if (isTerminal && diff > 0) out.write(`\x1b[${diff}A`);
      } else {
        ids = new Map();
      }
      const progressText = formatProgress(msg.progressDetail, width());
      let text = '';
      let endl = '';
      if (isTerminal && !msg.stream && hasProgress) {
        text += '\x1b[2K\r';
        endl = '\r';
      } else if (hasProgress && progressText !== '') {
        return; // no bars when not a terminal
      }
      if (msg.id) text += `${msg.id}: `;
      if (msg.from) text += `(from ${msg.from}) `;
      if (hasProgress && isTerminal) text += `${msg.status ?? ''} ${progressText}${endl}`;
      else if (msg.progress) text += `${msg.status ?? ''} ${msg.progress}${endl}`;
      else if (msg.stream) text += `${msg.stream}${endl}`;
      else text += `${msg.status ?? ''}${endl}\n`;
      out.write(text);
      if (msg.id && isTerminal && diff > 0) out.write(`\x1b[${diff}B`);
    },
  };
}

/** Reads a whole progress stream onto `out`; returns the aux messages (e.g. push digests). */
export async function displayProgressStream(source: AsyncIterable<Buffer | string>, out: Writable & { isTTY?: boolean; columns?: number }, isTerminal?: boolean): Promise<JsonMessage[]> {
  const { readJsonStream } = await import('../../client/json-stream.js');
  const display = createProgressDisplay(out, isTerminal);
  const aux: JsonMessage[] = [];
  for await (const msg of readJsonStream<JsonMessage>(source)) {
    if (msg.aux) {
      aux.push(msg);
      continue;
    }
    display.show(msg);
  }
  return aux;
}
