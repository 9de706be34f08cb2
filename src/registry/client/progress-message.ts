// The JSON progress messages dockerd streams for pull and push, as plain objects. The docker CLI
// draws its per-layer bars from exactly these shapes, so they are kept field for field.
import { errorMessage } from '../../errors.js';

export interface ProgressDetail {
  current?: number;
  total?: number;
}

export interface ProgressMessage {
  status?: string;
  progressDetail?: ProgressDetail;
  progress?: string;
  id?: string;
  aux?: unknown;
  errorDetail?: { message: string };
  error?: string;
}

export type ProgressListener = (msg: ProgressMessage) => void;

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** Sizes as docker prints them (go-units HumanSize: base 1000, 4 significant digits). */
export function humanSize(bytes: number): string {
  let size = bytes;
  let i = 0;
  while (size >= 1000 && i < DECIMAL_UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  return `${Number(size.toPrecision(4))}${DECIMAL_UNITS[i]}`;
}

/** The `progress` string of a message: `[==>      ]  1.2MB/3.4MB` (the daemon renders 200 columns). */
export function progressBar(current: number, total: number): string {
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current).padStart(8);
  const pct = Math.min(50, Math.floor(Math.floor((current / total) * 100) / 2));
  const bar = `[${'='.repeat(pct)}>${' '.repeat(Math.max(0, 50 - pct))}] `;
  const numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

/** `{status, id}` without detail: "Pulling from library/busybox" / "latest". */
export function statusMessage(status: string, id?: string): ProgressMessage {
  return id === undefined ? { status } : { status, id };
}

/** A per-layer step: `{status, progressDetail:{}, id}` ("Pulling fs layer", "Pull complete", …). */
export function layerMessage(status: string, id: string): ProgressMessage {
  return { status, progressDetail: {}, id };
}

/** A per-layer byte count: "Downloading", "Extracting", "Pushing". */
export function layerProgressMessage(status: string, id: string, current: number, total: number): ProgressMessage {
  return { status, progressDetail: { current, total }, progress: progressBar(current, total), id };
}

/** The aux record docker sends after a push. */
export function pushAuxMessage(tag: string, digest: string, size: number): ProgressMessage {
  return { progressDetail: {}, aux: { Tag: tag, Digest: digest, Size: size } };
}

/** An error in a progress stream: `{errorDetail:{message}, error}`. */
export function errorProgressMessage(err: unknown): ProgressMessage {
  const message = errorMessage(err);
  return { errorDetail: { message }, error: message };
}

/**
 * Rate-limits byte-count messages per layer (~every `intervalMs`), always letting the first and the
 * final one (current === total) through, so clients see the bar start and finish.
 */
export class ProgressThrottle {
  private last = new Map<string, number>();
  constructor(private readonly emit: ProgressListener, private readonly intervalMs = 100) {}

  bytes(status: string, id: string, current: number, total: number): void {
    const now = Date.now();
    const key = `${status}\0${id}`;
    const prev = this.last.get(key);
    if (prev !== undefined && now - prev < this.intervalMs && current !== total) return;
    this.last.set(key, now);
    this.emit(layerProgressMessage(status, id, current, total));
  }
}
