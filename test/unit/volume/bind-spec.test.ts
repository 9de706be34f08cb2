// `-v` strings and --mount objects parsed with docker's rules and messages.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseBindSpec } from '../../../src/volume/bind-spec.js';
import { parseApiMount } from '../../../src/volume/api-mount.js';

describe('bind specs', () => {
  it('parses binds, named and anonymous volumes', () => {
    assert.deepEqual(parseBindSpec('/host/dir/:/ctr:ro'), { type: 'bind', source: '/host/dir', destination: '/ctr', rw: false, mode: 'ro', propagation: 'rprivate' });
    assert.equal(parseBindSpec('/a:/b:rw,Z,rshared').propagation, 'rshared');
    const named = parseBindSpec('data:/data');
    assert.equal(named.type, 'volume');
    assert.equal(named.mode, 'z');
    assert.equal(named.copyData, true);
    assert.equal(parseBindSpec('data:/data:nocopy').copyData, false);
    const anon = parseBindSpec('/only');
    assert.equal(anon.anonymous, true);
  });

  it('refuses what docker refuses', () => {
    assert.throws(() => parseBindSpec('a:b'), /mount path must be absolute/);
    assert.throws(() => parseBindSpec('/a:/b:bogus'), /invalid mode: bogus/);
    assert.throws(() => parseBindSpec('/a:/'), /destination can't be '\/'/);
    assert.throws(() => parseBindSpec('/a:/b:ro:x'), /invalid volume specification/);
    assert.throws(() => parseBindSpec('a/b:/c'), /invalid characters for a local volume name/);
  });

  it('plans --mount entries', () => {
    assert.throws(() => parseApiMount({ Type: 'bind', Source: '/definitely/absent', Target: '/x' }), /bind source path does not exist/);
    assert.throws(() => parseApiMount({ Type: 'tmpfs', Source: 'x', Target: '/x' }), /Source must not be specified/);
    assert.throws(() => parseApiMount({ Type: 'volume', Source: 'v' }), /Target must not be empty/);
    const t = parseApiMount({ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1024, Mode: 0o1777 } });
    assert.deepEqual(t.mount.tmpfsOptions, ['size=1024', 'mode=1777']);
    const v = parseApiMount({ Type: 'volume', Target: '/v', VolumeOptions: { NoCopy: true, Labels: { a: 'b' } } });
    assert.equal(v.mount.anonymous, true);
    assert.equal(v.mount.copyData, false);
  });
});
