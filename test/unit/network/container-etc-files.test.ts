// A container's /etc files and their mounts, as docker makes them (pure rendering and mount shapes).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { etcFilesIn, etcMounts, renderEtcFiles } from '../../../src/network/container-etc-files.js';

const HOST = {
  hosts: '127.0.0.1\tlocalhost\n10.0.0.9\thost-only-name\n',
  resolvConf: '# managed\nnameserver 127.0.0.53\nnameserver 192.0.2.1\nsearch corp.test\noptions edns0\n',
};

describe('container /etc files', () => {
  it('bridge: default entries, --add-host, links, then the container\'s own address', () => {
    const f = renderEtcFiles({
      network: 'private', hostname: 'web', domainname: 'corp.test', address: '172.17.0.2',
      extraHosts: [{ ip: '10.1.2.3', names: ['db'] }], links: [{ ip: '172.17.0.3', names: ['cache', 'redis'] }],
    }, HOST);
    assert.equal(f.hosts, [
      '127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'ff00::0\tip6-mcastprefix',
      'ff02::1\tip6-allnodes', 'ff02::2\tip6-allrouters', '10.1.2.3\tdb', '172.17.0.3\tcache redis', '172.17.0.2\tweb.corp.test web', '',
    ].join('\n'));
    assert.equal(f.hostname, 'web\n');
    // Loopback resolvers are unreachable from the container's namespace.
    assert.equal(f.resolvConf, 'search corp.test\nnameserver 192.0.2.1\noptions edns0\n');
  });

  it('none: the defaults only; docker\'s public resolvers when the host has only loopback ones', () => {
    const f = renderEtcFiles({ network: 'private', hostname: 'x' }, { hosts: '', resolvConf: 'nameserver 127.0.0.53\n' });
    assert.doesNotMatch(f.hosts, /\tx$/m);
    assert.equal(f.resolvConf, 'nameserver 8.8.8.8\nnameserver 8.8.4.4\n');
  });

  it('user network: only the embedded DNS server, --dns* still applied', () => {
    const f = renderEtcFiles({ network: 'private', hostname: 'x', embeddedServer: '10.9.0.1', dns: ['1.1.1.1'], dnsOptions: ['ndots:2'] }, HOST);
    assert.equal(f.resolvConf, 'search corp.test\nnameserver 10.9.0.1\noptions ndots:2\n');
  });

  it('host: the host\'s files as they are; --add-host starts from the defaults, --dns keeps loopback', () => {
    const plain = renderEtcFiles({ network: 'host', hostname: 'ignored' }, HOST);
    assert.equal(plain.hosts, HOST.hosts);
    assert.equal(plain.resolvConf, HOST.resolvConf);
    assert.equal(plain.hostname, `${hostname()}\n`);
    const more = renderEtcFiles({ network: 'host', hostname: 'h', extraHosts: [{ ip: '10.1.1.1', names: ['x'] }], dnsSearch: ['a.test'] }, HOST);
    assert.match(more.hosts, /^127\.0\.0\.1\tlocalhost\n/);
    assert.match(more.hosts, /^10\.1\.1\.1\tx$/m);
    assert.doesNotMatch(more.hosts, /host-only-name/);
    assert.equal(more.resolvConf, 'search a.test\nnameserver 127.0.0.53\nnameserver 192.0.2.1\noptions edns0\n');
  });

  it('build step: BuildKit\'s hosts layout whatever the network', () => {
    for (const network of ['host', 'private'] as const) {
      const f = renderEtcFiles({ network, layout: 'build-step', hostname: 'buildkitsandbox', address: '172.17.0.5' }, HOST);
      assert.equal(f.hosts, '127.0.0.1\tlocalhost buildkitsandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n');
    }
  });

  it('mounts: containers writable unless --read-only; build steps hosts and resolv.conf read-only', () => {
    const files = etcFilesIn('/d');
    assert.deepEqual(files, { hosts: '/d/hosts', resolvConf: '/d/resolv.conf', hostname: '/d/hostname' });
    assert.deepEqual(etcMounts(files).map((m) => [m.destination, m.readOnly]), [['/etc/resolv.conf', false], ['/etc/hostname', false], ['/etc/hosts', false]]);
    assert.ok(etcMounts(files, { readonlyRootfs: true }).every((m) => m.readOnly && m.type === 'bind'));
    assert.deepEqual(etcMounts(files, { layout: 'build-step' }).map((m) => [m.source, m.destination, m.readOnly]), [
      ['/d/resolv.conf', '/etc/resolv.conf', true],
      ['/d/hosts', '/etc/hosts', true],
    ]);
  });
});
