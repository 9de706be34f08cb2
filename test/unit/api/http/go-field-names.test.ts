import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { withGoFieldNames } from '../../../../src/api/http/go-field-names.js';

describe('withGoFieldNames', () => {
  it('renames a key differing only in case; leaves unknown keys', () => {
    assert.deepEqual(withGoFieldNames({ detachKeys: 'ctrl-p', cmd: ['x'], Other: 1 }, ['DetachKeys', 'Cmd']), { DetachKeys: 'ctrl-p', Cmd: ['x'], Other: 1 });
  });

  it('an exact match wins over a case-folded one', () => {
    assert.deepEqual(withGoFieldNames({ detachkeys: 'a', DetachKeys: 'b' }, ['DetachKeys']), { DetachKeys: 'b' });
  });
});
