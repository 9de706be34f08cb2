// WebSocket framing: the handshake key, server frames of each length form, masked client frames
// split across chunks.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { acceptKey, encodeFrame, FrameDecoder } from '../../../../src/api/http/websocket.js';

function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 255]);
  return Buffer.concat([head, mask, Buffer.from(payload.map((b, i) => b ^ mask[i & 3]!))]);
}

it('computes the accept key of RFC 6455', () => {
  assert.equal(acceptKey('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

it('encodes the three length forms, unmasked', () => {
  for (const n of [5, 300, 70_000]) {
    const f = encodeFrame(2, Buffer.alloc(n, 7));
    const back = new FrameDecoder().push(f);
    assert.equal(back.length, 1);
    assert.equal(back[0]!.opcode, 2);
    assert.equal(back[0]!.payload.length, n);
  }
});

it('decodes masked frames split anywhere across chunks', () => {
  const bytes = Buffer.concat([clientFrame(2, Buffer.from('echo hi\n')), clientFrame(1, Buffer.alloc(200, 97)), clientFrame(8, Buffer.from([3, 232]))]);
  const d = new FrameDecoder();
  const frames = [];
  for (let i = 0; i < bytes.length; i += 3) frames.push(...d.push(bytes.subarray(i, i + 3)));
  assert.deepEqual(frames.map((f) => f.opcode), [2, 1, 8]);
  assert.equal(frames[0]!.payload.toString(), 'echo hi\n');
  assert.equal(frames[1]!.payload.toString(), 'a'.repeat(200));
});
