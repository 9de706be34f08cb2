// The output kept for a failed step's message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OutputTail } from '../../../src/build/output-tail.js';

test('the output tail keeps the last lines, a partial one included', () => {
  const t = new OutputTail(3);
  t.push(Buffer.from('one\ntwo\nthr'));
  t.push(Buffer.from('ee\nfour\nfi'));
  assert.deepEqual(t.get(), ['three', 'four', 'fi']);
  t.push(Buffer.from('ve\n'));
  assert.deepEqual(t.get(), ['three', 'four', 'five']);
});
