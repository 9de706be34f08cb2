import { it } from 'node:test';
import assert from 'node:assert/strict';
import { ramInBytes } from '../../../src/units/ram-in-bytes.js';

it('reads docker RAMInBytes sizes: binary multiples, optional i/b, a fraction', () => {
  assert.equal(ramInBytes('100'), 100);
  assert.equal(ramInBytes('64m'), 64 * 2 ** 20);
  assert.equal(ramInBytes('1.5g'), 1.5 * 2 ** 30);
  assert.equal(ramInBytes('512KiB'), 512 * 1024);
  assert.equal(ramInBytes('2 MB'), 2 * 2 ** 20);
  assert.equal(ramInBytes('1T'), 2 ** 40);
});

it('refuses what is not a size', () => {
  for (const bad of ['', 'm', '-1m', '1x', '1.2.3m', '10 m b']) assert.equal(ramInBytes(bad), undefined, bad);
});
