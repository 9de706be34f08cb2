// Reading conmon's k8s-file logs: `<RFC3339Nano> <stdout|stderr> <F|P> <content>` per line, P
// marking a partial line (no newline at the end). Supports tail, since/until and follow.
import { open, stat } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import { isErrno } from '../errors.js';

export type LogStream = 'stdout' | 'stderr';

export interface LogEntry {
  stream: LogStream;
  /** Nanoseconds since the epoch. */
  timeNano: bigint;
  /** The bytes the container wrote (with the newline for a full line). */
  data: Buffer;
}

export interface ReadLogsOptions {
  stdout?: boolean;
  stderr?: boolean;
  /** Last N entries only (undefined or negative: all). */
  tail?: number;
  sinceNano?: bigint;
  untilNano?: bigint;
  /** Start at this byte offset (attach reads from the end). */
  fromOffset?: number;
  follow?: boolean;
  /** Ends a follow: after abort, what is in the file is drained and the iterator ends. */
  signal?: AbortSignal;
}

/** Parses `2026-11-21T23:16:09.696659732+00:00` keeping all nine digits. */
export function parseLogTime(s: string): bigint {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return 0n;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  const frac = BigInt((m[2] ?? '').padEnd(9, '0'));
  return BigInt(ms) * 1_000_000n + frac;
}

/** docker's timestamp format: RFC3339Nano in UTC with trailing zeros kept to 9 digits. */
export function formatLogTime(nano: bigint): string {
  const ms = Number(nano / 1_000_000n);
  const iso = new Date(ms).toISOString(); // …:SS.mmmZ
  const frac = (nano % 1_000_000_000n).toString().padStart(9, '0');
  return `${iso.slice(0, 19)}.${frac}Z`;
}

function parseLine(line: Buffer): LogEntry | undefined {
  const s1 = line.indexOf(0x20);
  const s2 = s1 === -1 ? -1 : line.indexOf(0x20, s1 + 1);
  const s3 = s2 === -1 ? -1 : line.indexOf(0x20, s2 + 1);
  if (s3 === -1) return undefined;
  const stream = line.subarray(s1 + 1, s2).toString();
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const tag = line.subarray(s2 + 1, s3).toString();
  const content = line.subarray(s3 + 1);
  const data = tag.startsWith('P') ? Buffer.from(content) : Buffer.concat([content, Buffer.from('\n')]);
  return { stream, timeNano: parseLogTime(line.subarray(0, s1).toString()), data };
}

function wanted(e: LogEntry, o: ReadLogsOptions): boolean {
  if (e.stream === 'stdout' && o.stdout === false) return false;
  if (e.stream === 'stderr' && o.stderr === false) return false;
  if (o.sinceNano !== undefined && e.timeNano < o.sinceNano) return false;
  if (o.untilNano !== undefined && e.timeNano > o.untilNano) return false;
  return true;
}

export async function logSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return 0;
    throw err;
  }
}

/** Yields log entries; with `follow`, waits for more until the signal aborts. */
export async function* readLogs(path: string, o: ReadLogsOptions = {}): AsyncGenerator<LogEntry> {
  let offset = o.fromOffset ?? 0;
  let rest = Buffer.alloc(0);
  const readMore = async (): Promise<LogEntry[]> => {
    let fh;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return [];
      throw err;
    }
    try {
      const out: LogEntry[] = [];
      const buf = Buffer.allocUnsafe(1 << 16);
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        let chunk = Buffer.concat([rest, buf.subarray(0, bytesRead)]);
        let nl: number;
        while ((nl = chunk.indexOf(0x0a)) !== -1) {
          const e = parseLine(chunk.subarray(0, nl));
          if (e && wanted(e, o)) out.push(e);
          chunk = chunk.subarray(nl + 1);
        }
        rest = Buffer.from(chunk);
      }
      return out;
    } finally {
      await fh.close();
    }
  };

  let first = await readMore();
  if (o.tail !== undefined && o.tail >= 0) first = o.tail === 0 ? [] : first.slice(-o.tail);
  yield* first;
  if (!o.follow) return;

  let wake: (() => void) | undefined;
  const poke = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  let watcher: FSWatcher | undefined;
  const ensureWatcher = (): void => {
    if (watcher) return;
    try {
      watcher = watch(path, { persistent: false }, poke);
      watcher.on('error', () => undefined);
    } catch {
      // the file does not exist yet: the poll below notices it
    }
  };
  ensureWatcher();
  const poll = setInterval(poke, 250);
  const onAbort = (): void => poke();
  o.signal?.addEventListener('abort', onAbort);
  try {
    while (!o.signal?.aborted) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      ensureWatcher();
      yield* await readMore();
    }
    yield* await readMore();
  } finally {
    clearInterval(poll);
    watcher?.close();
    o.signal?.removeEventListener('abort', onAbort);
  }
}
