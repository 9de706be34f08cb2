// Docker's multiplexed stream framing for non-tty attach/logs/exec: 8-byte header
// [stream, 0, 0, 0, size (uint32 big-endian)] then the payload. stream: 0 stdin, 1 stdout, 2 stderr.
export const STREAM_STDOUT = 1;
export const STREAM_STDERR = 2;

export function frame(stream: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(8 + payload.length);
  out.writeUInt32BE(0, 0);
  out[0] = stream;
  out.writeUInt32BE(payload.length, 4);
  payload.copy(out, 8);
  return out;
}
