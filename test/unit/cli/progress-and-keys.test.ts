import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { StreamError, createProgressDisplay, displayProgressStream, formatProgress } from '../../../src/cli/progress/json-progress.js';
import { toApiTimestamp, formatRfc3339Nano } from '../../../src/cli/format/timestamps.js';
import { formatEvent } from '../../../src/cli/commands/events.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

const pull = [
  { status: 'Pulling from library/busybox', id: 'latest' },
  { status: 'Pulling fs layer', id: 'aaa', progressDetail: {} },
  { status: 'Downloading', id: 'aaa', progressDetail: { current: 500_000, total: 2_000_000 }, progress: '[=>  ] 500kB/2MB' },
  { status: 'Download complete', id: 'aaa', progressDetail: {} },
  { status: 'Pull complete', id: 'aaa', progressDetail: {} },
  { status: 'Digest: sha256:1234' },
  { status: 'Status: Downloaded newer image for busybox:latest' },
];

describe('progress display', () => {
  it('prints plain lines without bars when not a terminal', async () => {
    const out = new Sink();
    await displayProgressStream(Readable.from(pull.map((m) => JSON.stringify(m) + '\n')), out, false);
    assert.equal(out.text, 'latest: Pulling from library/busybox\naaa: Pulling fs layer\naaa: Download complete\naaa: Pull complete\nDigest: sha256:1234\nStatus: Downloaded newer image for busybox:latest\n');
  });
  it('redraws layer lines in place on a terminal', () => {
    const out = Object.assign(new Sink(), { columns: 80 });
    const d = createProgressDisplay(out, true);
    for (const m of pull.slice(0, 3)) d.show(m);
    // A new line per layer, then cursor up 1, clear line, redraw, cursor down 1.
    assert.equal(out.text,
      'latest: Pulling from library/busybox\n' +
      '\n\x1b[1A\x1b[2K\raaa: Pulling fs layer \r\x1b[1B' +
      '\x1b[1A\x1b[2K\raaa: Downloading    500kB/2MB\r\x1b[1B');
  });
  it('draws docker bars on wide terminals and throws stream errors', () => {
    assert.equal(formatProgress({ current: 1_000_000, total: 2_000_000 }, 200), `[${'='.repeat(25)}>${' '.repeat(25)}]      1MB/2MB`);
    assert.equal(formatProgress({}, 200), '');
    const d = createProgressDisplay(new Sink(), false);
    assert.throws(() => d.show({ errorDetail: { message: 'manifest unknown' }, error: 'manifest unknown' }), new StreamError('manifest unknown'));
  });
});

describe('timestamps and events', () => {
  it('converts --since values', () => {
    assert.equal(toApiTimestamp('1700000000'), '1700000000');
    assert.equal(toApiTimestamp('2024-01-02T03:04:05Z'), String(Date.UTC(2024, 0, 2, 3, 4, 5) / 1000));
    assert.equal(toApiTimestamp('10m', 1_700_000_000_000), '1699999400.000000000');
    assert.throws(() => toApiTimestamp('yesterday'), /failed to parse value as time or duration/);
  });
  it('prints events like docker', () => {
    const prevTz = process.env.TZ;
    process.env.TZ = 'UTC';
    try {
      assert.equal(formatRfc3339Nano(1_700_000_000_123_456_789n), '2023-11-14T22:13:20.123456789Z');
      assert.equal(formatEvent({ Type: 'container', Action: 'start', Actor: { ID: 'abc', Attributes: { name: 'web', image: 'nginx' } }, timeNano: 1_700_000_000_000_000_000 }),
        '2023-11-14T22:13:20.000000000Z container start abc (image=nginx, name=web)\n');
    } finally {
      if (prevTz === undefined) delete process.env.TZ;
      else process.env.TZ = prevTz;
    }
  });
});
