import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_DETACH_KEYS, DetachWatcher, parseDetachKeys } from '../../src/detach-keys.js';

describe('parseDetachKeys: docker notation, exactly', () => {
  it('ctrl-<key>, single characters and DEL', () => {
    assert.deepEqual(parseDetachKeys(DEFAULT_DETACH_KEYS), [16, 17]);
    assert.deepEqual(parseDetachKeys('ctrl-a,x'), [1, 120]);
    assert.deepEqual(parseDetachKeys('ctrl-@,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_'), [0, 27, 28, 29, 30, 31]);
    assert.deepEqual(parseDetachKeys('DEL,a'), [127, 97]);
    assert.deepEqual(parseDetachKeys(' '), [32]);
  });
  it('refuses what docker refuses: upper case, spaces, empty items, long names', () => {
    for (const bad of ['ctrl-P', 'ctrl-pq', 'ctrl-', 'ctrl-1', 'ab', 'a, b', 'a,,b', '', 'del']) {
      assert.throws(() => parseDetachKeys(bad), /Unknown character: '/, bad);
    }
  });
});

describe('DetachWatcher', () => {
  it('holds back a partial sequence and detaches on the whole one', () => {
    const w = new DetachWatcher([16, 17]);
    assert.deepEqual(w.feed(Buffer.from([65, 16])), { pass: Buffer.from([65]), detached: false });
    assert.deepEqual(w.feed(Buffer.from([66])), { pass: Buffer.from([16, 66]), detached: false });
    assert.deepEqual(w.feed(Buffer.from([16])), { pass: Buffer.alloc(0), detached: false });
    assert.equal(w.feed(Buffer.from([17])).detached, true);
  });
  it('passes everything when there is no sequence', () => {
    assert.deepEqual(new DetachWatcher([]).feed(Buffer.from([16, 17])), { pass: Buffer.from([16, 17]), detached: false });
  });
});
