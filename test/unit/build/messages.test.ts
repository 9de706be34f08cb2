// The progress formatters on their own: classic text in stage order although stages interleave,
// BuildKit-style plain lines with per-step numbering.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClassicMessages } from '../../../src/build/classic-messages.js';
import { PlainMessages } from '../../../src/build/plain-messages.js';
import type { StepRef } from '../../../src/build/build-progress.js';
import type { Digest } from '../../../src/oci/digest.js';

const id = (c: string) => `sha256:${c.repeat(64)}` as Digest;
const step = (vertex: number, stage: string, offset: number, index: number, count: number, text: string): StepRef => ({
  vertex, stage, index, count, globalIndex: offset + index, globalTotal: 4, text, line: offset + index,
});

describe('build progress formatters', () => {
  it('classic: a later stage waits until the earlier one is done', () => {
    let out = '';
    const m = new ClassicMessages((t) => (out += t));
    const a1 = step(1, 'a', 0, 1, 2, 'FROM busybox AS a');
    const b1 = step(2, 'b', 2, 1, 2, 'FROM busybox AS b');
    const a2 = step(3, 'a', 0, 2, 2, 'RUN echo a');
    const b2 = step(4, 'b', 2, 2, 2, 'RUN echo b');
    m.event({ type: 'start', step: a1, time: 0 });
    m.event({ type: 'start', step: b1, time: 0 });
    m.event({ type: 'done', step: b1, imageId: id('b'), ms: 1, cached: false });
    m.event({ type: 'start', step: b2, time: 0 });
    m.event({ type: 'output', step: b2, stream: 'stdout', data: Buffer.from('b\n') });
    m.event({ type: 'done', step: a1, imageId: id('a'), ms: 1, cached: false });
    m.event({ type: 'start', step: a2, time: 0 });
    m.event({ type: 'cached', step: a2, imageId: id('c') });
    m.event({ type: 'done', step: a2, imageId: id('c'), ms: 1, cached: true });
    m.event({ type: 'done', step: b2, imageId: id('d'), ms: 1, cached: false });
    assert.equal(
      out,
      'Step 1/4 : FROM busybox AS a\n ---> aaaaaaaaaaaa\nStep 2/4 : RUN echo a\n ---> Using cache\n ---> cccccccccccc\n' +
        'Step 3/4 : FROM busybox AS b\n ---> bbbbbbbbbbbb\nStep 4/4 : RUN echo b\nb\n ---> dddddddddddd\n',
    );
  });

  it('plain: numbered steps, output lines, CACHED, DONE, ERROR with the last lines', () => {
    let out = '';
    const m = new PlainMessages((t) => (out += t));
    const s = step(2, 'stage-0', 0, 2, 2, 'RUN make');
    m.event({ type: 'start', step: s, time: Date.now() });
    m.event({ type: 'output', step: s, stream: 'stdout', data: Buffer.from('one\ntw') });
    m.event({ type: 'output', step: s, stream: 'stderr', data: Buffer.from('o\n') });
    m.event({ type: 'error', step: s, message: 'boom', lastOutput: ['one', 'two'] });
    assert.match(out, /^#2 \[stage-0 2\/2\] RUN make\n#2 \d+\.\d{3} one\n#2 \d+\.\d{3} two\n#2 ERROR: boom\n------\n > \[stage-0 2\/2\] one\n > \[stage-0 2\/2\] two\n------\n$/);
    out = '';
    const c = step(3, 'stage-0', 0, 2, 2, 'COPY . /');
    m.event({ type: 'start', step: c, time: Date.now() });
    m.event({ type: 'cached', step: c, imageId: id('e') });
    m.event({ type: 'done', step: c, imageId: id('e'), ms: 0, cached: true });
    assert.equal(out, '#3 [stage-0 2/2] COPY . /\n#3 CACHED\n');
  });
});
