// The multiplexed stream the API sends for attach/logs/exec when there is no TTY: frames of
// [stream type (0 stdin, 1 stdout, 2 stderr), 0, 0, 0, big-endian uint32 size] + payload.

export type StreamType = 0 | 1 | 2;

export interface Frame {
  stream: StreamType;
  data: Buffer;
}

/** Incremental frame parser: feed it chunks as they arrive, take out complete frames. */
export class FrameDecoder {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const frames: Frame[] = [];
    while (this.buf.length >= 8) {
      const size = this.buf.readUInt32BE(4);
      if (this.buf.length < 8 + size) break;
      const type = this.buf[0]!;
      const stream: StreamType = type === 0 || type === 1 || type === 2 ? type : 1;
      frames.push({ stream, data: this.buf.subarray(8, 8 + size) });
      this.buf = this.buf.subarray(8 + size);
    }
    return frames;
  }

  /** Bytes of an unfinished frame left when the stream ended. */
  get pending(): number {
    return this.buf.length;
  }
}

/** Encodes one frame (for tests and for any side that has to produce the format). */
export function encodeFrame(stream: StreamType, data: Buffer | string): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

export interface Sink {
  write(chunk: Buffer): unknown;
}

/**
 * Copies a multiplexed stream to stdout/stderr sinks until it ends. Writes go out frame by frame so
 * interleaving of the two streams is kept.
 */
export async function demuxStream(source: AsyncIterable<Buffer | string>, stdout: Sink, stderr: Sink, head?: Buffer): Promise<void> {
  const decoder = new FrameDecoder();
  const deliver = (chunk: Buffer): void => {
    for (const f of decoder.push(chunk)) (f.stream === 2 ? stderr : stdout).write(f.data);
  };
  if (head && head.length > 0) deliver(head);
  for await (const chunk of source) deliver(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
}
