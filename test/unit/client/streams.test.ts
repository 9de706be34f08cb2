import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { FrameDecoder, demuxStream, encodeFrame } from '../../../src/client/stream-demux.js';
import { readJsonStream } from '../../../src/client/json-stream.js';
import { parseHost } from '../../../src/client/host.js';
import { parseFilters, encodeFilters } from '../../../src/client/filters.js';

class Collect {
  chunks: Buffer[] = [];
  write(c: Buffer): void {
    this.chunks.push(Buffer.from(c));
  }
  text(): string {
    return Buffer.concat(this.chunks).toString();
  }
}

describe('multiplexed stream demuxer', () => {
  it('splits frames into stdout and stderr, whatever the chunking', async () => {
    const wire = Buffer.concat([encodeFrame(1, 'hello '), encodeFrame(2, 'oops\n'), encodeFrame(1, 'world\n'), encodeFrame(1, '')]);
    for (const size of [1, 3, 8, 9, wire.length]) {
      const parts: Buffer[] = [];
      for (let i = 0; i < wire.length; i += size) parts.push(wire.subarray(i, i + size));
      const out = new Collect();
      const err = new Collect();
      await demuxStream(Readable.from(parts), out, err);
      assert.equal(out.text(), 'hello world\n', `chunk size ${size}`);
      assert.equal(err.text(), 'oops\n');
    }
  });
  it('uses bytes that came with the upgrade response first', async () => {
    const wire = Buffer.concat([encodeFrame(1, 'ab'), encodeFrame(1, 'cd')]);
    const out = new Collect();
    await demuxStream(Readable.from([wire.subarray(5)]), out, new Collect(), wire.subarray(0, 5));
    assert.equal(out.text(), 'abcd');
  });
  it('keeps an unfinished frame pending and handles large frames', () => {
    const d = new FrameDecoder();
    const big = Buffer.alloc(100_000, 7);
    const frame = encodeFrame(2, big);
    assert.deepEqual(d.push(frame.subarray(0, 50_000)), []);
    assert.equal(d.pending, 50_000);
    const frames = d.push(frame.subarray(50_000));
    assert.equal(frames.length, 1);
    assert.equal(frames[0]!.stream, 2);
    assert.equal(frames[0]!.data.length, 100_000);
  });
});

describe('JSON stream reader', () => {
  it('reads newline-delimited objects split anywhere, and concatenated ones', async () => {
    const text = '{"status":"a"}\n{"status":"b","id":"x"}\r\n\n{"status":"ü"}{"status":"d"}';
    const buf = Buffer.from(text);
    const parts: Buffer[] = [];
    for (let i = 0; i < buf.length; i += 5) parts.push(buf.subarray(i, i + 5));
    const got: unknown[] = [];
    for await (const m of readJsonStream(Readable.from(parts))) got.push(m);
    assert.deepEqual(got, [{ status: 'a' }, { status: 'b', id: 'x' }, { status: 'ü' }, { status: 'd' }]);
  });
});

describe('daemon host', () => {
  it('parses unix and tcp forms', () => {
    assert.deepEqual(parseHost('unix:///run/berth/berth.sock'), { kind: 'unix', path: '/run/berth/berth.sock', url: 'unix:///run/berth/berth.sock' });
    assert.deepEqual(parseHost('tcp://127.0.0.1:2375'), { kind: 'tcp', host: '127.0.0.1', port: 2375, url: 'tcp://127.0.0.1:2375' });
    assert.equal((parseHost('tcp://example.com', true) as { port: number }).port, 2376);
    assert.equal((parseHost('tcp://[::1]:1234') as { host: string }).host, '::1');
    assert.throws(() => parseHost('ssh://x'), /Invalid bind address format/);
  });
  it('encodes filters', () => {
    assert.equal(encodeFilters(parseFilters(['status=exited', 'label=a=b', 'status=created'])), '{"status":["exited","created"],"label":["a=b"]}');
    assert.equal(encodeFilters(parseFilters([])), undefined);
    assert.throws(() => parseFilters(['nope']), /bad format of filter/);
  });
});
