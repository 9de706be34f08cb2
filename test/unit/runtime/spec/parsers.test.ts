import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { capabilityMask, capabilityNames, normalizeCapability, parseCapabilityMask, readHostBoundingSet } from '../../../../src/runtime/capabilities.js';
import { parseCpuList, parseProcLimits, probeHost, RLIM_INFINITY } from '../../../../src/runtime/spec/host-info.js';
import { mergeTmpfsOptions } from '../../../../src/runtime/spec/tmpfs-options.js';
import { specToJson } from '../../../../src/runtime/spec/spec-json.js';
import { splitDev } from '../../../../src/runtime/spec/devices.js';
import { parseSecurityOpts } from '../../../../src/runtime/spec/security-opts.js';
import { buildEnv } from '../../../../src/runtime/spec/process-env.js';

describe('capability helpers', () => {
  it('reads masks and names', () => {
    const mask = parseCapabilityMask('000001fffeffffff');
    assert.equal(mask, 0x1fffeffffffn);
    const names = capabilityNames(mask);
    assert.equal(names.length, 40);
    assert.ok(!names.includes('CAP_SYS_RESOURCE'));
    assert.equal(capabilityMask(names), mask);
    assert.equal(typeof readHostBoundingSet(), 'bigint');
    assert.equal(normalizeCapability('net_admin'), 'CAP_NET_ADMIN');
    assert.equal(normalizeCapability('All'), 'ALL');
    assert.throws(() => normalizeCapability('CAP_NOPE'), { message: 'unknown capability: "CAP_NOPE"' });
  });
});

describe('host facts', () => {
  it('parses /proc/<pid>/limits', () => {
    const text = [
      'Limit                     Soft Limit           Hard Limit           Units     ',
      'Max cpu time              unlimited            unlimited            seconds   ',
      'Max open files            1024                 20000                files     ',
      'Max processes             96365                96365                processes ',
    ].join('\n');
    assert.deepEqual(parseProcLimits(text), { RLIMIT_CPU: RLIM_INFINITY, RLIMIT_NOFILE: 20000n, RLIMIT_NPROC: 96365n });
    assert.ok(probeHost().rlimitHard.RLIMIT_NOFILE !== undefined);
  });

  it('parses CPU lists', () => {
    assert.deepEqual(parseCpuList('0-2,5,7-8\n'), [0, 1, 2, 5, 7, 8]);
    assert.deepEqual(parseCpuList(''), []);
    assert.equal(parseCpuList('3-1'), undefined);
    assert.equal(parseCpuList('a'), undefined);
  });

  it('splits device numbers', () => {
    assert.deepEqual(splitDev(0x0103n), { major: 1, minor: 3 });
    // major 259, minor 65536 in the large encoding.
    const major = 259n;
    const minor = 65536n;
    const dev = (minor & 0xffn) | ((major & 0xfffn) << 8n) | ((minor & ~0xffn) << 12n) | ((major & ~0xfffn) << 32n);
    assert.deepEqual(splitDev(dev), { major: 259, minor: 65536 });
  });
});

describe('option parsers', () => {
  it('merges tmpfs options, later ones winning', () => {
    assert.deepEqual(mergeTmpfsOptions(['noexec', 'nosuid', 'size=1m', 'exec', 'size=2m', 'rprivate', 'rshared']), ['nosuid', 'exec', 'size=2m', 'rshared']);
    assert.throws(() => mergeTmpfsOptions(['foo']), /Invalid tmpfs option "foo"/);
  });

  it('parses security options like docker', () => {
    const o = parseSecurityOpts(['no-new-privileges:true', 'seccomp=unconfined', 'apparmor=unconfined', 'label=disable']);
    assert.equal(o.noNewPrivileges, true);
    assert.equal(o.seccomp, 'unconfined');
    assert.equal(o.apparmor, 'unconfined');
    assert.equal(o.warnings.length, 1);
    assert.equal(parseSecurityOpts(['seccomp=builtin']).seccomp, undefined);
    assert.throws(() => parseSecurityOpts(['nonsense']), { message: 'invalid --security-opt 1: "nonsense"' });
    assert.throws(() => parseSecurityOpts(['no-new-privileges=maybe']), /invalid --security-opt 2/);
  });

  it('builds the environment', () => {
    assert.deepEqual(buildEnv({ hostname: 'h', tty: false, env: ['A=1', 'A=2', 'PATH'], home: '/' }), ['HOSTNAME=h', 'A=2', 'HOME=/']);
  });

  it('prints bigints as JSON integers', () => {
    const text = specToJson({ ociVersion: '1', process: { user: { uid: 0, gid: 0 }, args: ['x'], cwd: '/', rlimits: [{ type: 'RLIMIT_CORE', hard: 2n ** 64n - 1n, soft: 5 }] } });
    assert.equal(text, '{"ociVersion":"1","process":{"user":{"uid":0,"gid":0},"args":["x"],"cwd":"/","rlimits":[{"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":5}]}}');
  });
});
