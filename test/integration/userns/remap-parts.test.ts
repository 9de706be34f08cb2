// The pieces of --userns-remap without a daemon: subuid/subgid parsing, resolving the setting
// against passwd/group files of a test's own, shifting owners when a layer is applied and back
// when it is diffed, and the spec a remapped container gets.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, lstatSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { toContainerId, toHostId, rootPair, type IdMap } from '../../../src/oci/id-map.js';
import { freeRange, mappingsOf, parseSubIdFile, rangesOf } from '../../../src/runtime/user/subid-file.js';
import { resolveUsernsRemap } from '../../../src/runtime/user/userns-remap.js';
import { applyLayer } from '../../../src/snapshot/apply-layer.js';
import { diffLayer } from '../../../src/snapshot/diff-layer.js';
import { TarReader } from '../../../src/snapshot/tar-reader.js';
import { parseDaemonArgs } from '../../../src/daemon/daemon-config.js';
import { generateSpec } from '../../../src/runtime/spec/generate-spec.js';
import { makeRootfs } from '../runtime/bundle.js';
import { fakeHost } from '../runtime/fake-host.js';
import { tarBytes } from '../../support/layer-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-userns-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const MAP: IdMap = {
  uidMappings: [{ containerID: 0, hostID: 200000, size: 65536 }],
  gidMappings: [{ containerID: 0, hostID: 300000, size: 65536 }],
};

describe('id maps and subordinate id files', () => {
  it('maps ids both ways and names the root pair', () => {
    assert.equal(toHostId(MAP.uidMappings, 0), 200000);
    assert.equal(toHostId(MAP.uidMappings, 65535), 265535);
    assert.equal(toHostId(MAP.uidMappings, 65536), undefined);
    assert.equal(toContainerId(MAP.gidMappings, 300005), 5);
    assert.equal(toContainerId(MAP.gidMappings, 0), undefined);
    assert.deepEqual(rootPair(MAP), { uid: 200000, gid: 300000 });
  });

  it('parses entries by uid first, then name; lays ranges end to end sorted by start, five at most', () => {
    const all = parseSubIdFile('# comment\nalice:100000:65536\n\nbad line\n1001:500000:10\n1001:400000:5\nbob:x:1\nalice:0:0\n');
    assert.deepEqual(rangesOf(all, { name: 'alice', uid: 1000 }), [{ owner: 'alice', start: 100000, count: 65536 }]);
    const byUid = rangesOf(all, { name: 'carol', uid: 1001 });
    assert.equal(byUid.length, 2);
    assert.deepEqual(mappingsOf(byUid), [
      { containerID: 0, hostID: 400000, size: 5 },
      { containerID: 5, hostID: 500000, size: 10 },
    ]);
    const many = Array.from({ length: 7 }, (_, i) => ({ owner: 'x', start: 1000 * (i + 1), count: 10 }));
    assert.equal(mappingsOf(many).length, 5);
  });

  it('finds a free range after the ones taken', () => {
    assert.equal(freeRange([], 65536), 100000);
    const taken = parseSubIdFile('a:100000:65536\nb:165536:65536\nc:400000:65536\n');
    assert.equal(freeRange(taken, 65536), 231072);
    assert.equal(freeRange(parseSubIdFile('a:50000:10\n'), 65536), 100000);
  });
});

describe('resolving --userns-remap', () => {
  const etc = join(dir, 'etc');
  mkdirSync(etc);
  writeFileSync(join(etc, 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\nbob:x:1002:1002::/:/bin/false\ndockremap:x:999:999::/:/bin/false\n');
  writeFileSync(join(etc, 'group'), 'root:x:0:\nalice:x:1000:\nstaff:x:50:\ndockremap:x:999:\n');
  writeFileSync(join(etc, 'subuid'), 'alice:100000:65536\n999:700000:65536\n');
  writeFileSync(join(etc, 'subgid'), 'alice:165536:65536\ndockremap:800000:65536\n');
  const resolve = (s: string) => resolveUsernsRemap(s, { etcDir: etc, ensureDefaultUser: async () => undefined });

  it('takes a user name, a uid, and an explicit group; both maps come from the user', async () => {
    const a = await resolve('alice');
    assert.deepEqual(a, {
      user: 'alice',
      group: 'alice',
      idMap: { uidMappings: [{ containerID: 0, hostID: 100000, size: 65536 }], gidMappings: [{ containerID: 0, hostID: 165536, size: 65536 }] },
      root: { uid: 100000, gid: 165536 },
    });
    assert.equal((await resolve('1000'))?.user, 'alice');
    assert.equal((await resolve('alice:staff'))?.group, 'staff');
    assert.equal((await resolve('1000:50'))?.group, 'staff');
  });

  it('`default` is dockremap; root turns remapping off', async () => {
    const d = await resolve('default');
    assert.deepEqual(d?.root, { uid: 700000, gid: 800000 });
    assert.equal(`${d?.user}:${d?.group}`, 'dockremap:dockremap');
    const warnings: string[] = [];
    assert.equal(await resolveUsernsRemap('root', { etcDir: etc }, (m) => warnings.push(m)), undefined);
    assert.equal(warnings.length, 1);
    assert.equal(await resolve(''), undefined);
  });

  it("fails with docker's messages", async () => {
    await assert.rejects(resolve('a:b:c'), { message: 'Invalid user/group specification in --userns-remap: "a:b:c"' });
    await assert.rejects(resolve('nosuch'), { message: /^Error during uid lookup for "nosuch"/ });
    await assert.rejects(resolve('4242'), { message: /^Uid 4242 has no entry in \/etc\/passwd/ });
    await assert.rejects(resolve('alice:nogroup'), { message: /^Error during groupname lookup for "nogroup"/ });
    await assert.rejects(resolve('bob'), { message: /^Error during gid lookup for "bob"/ });
    await assert.rejects(resolve('bob:staff'), { message: `Can't create ID mappings: no subuid ranges found for user "bob"` });
    await assert.rejects(resolveUsernsRemap('default', { etcDir: etc, ensureDefaultUser: async () => { throw new Error('no useradd'); } }), {
      message: 'Error during "dockremap" user creation: no useradd',
    });
  });

  it('reads the flag and the daemon.json key', () => {
    const cfgFile = join(dir, 'daemon.json');
    writeFileSync(cfgFile, JSON.stringify({ 'userns-remap': 'alice' }));
    assert.equal(parseDaemonArgs(['--config-file', cfgFile], {}).usernsRemap, 'alice');
    assert.equal(parseDaemonArgs(['--config-file', cfgFile, '--userns-remap', 'default'], {}).usernsRemap, 'default');
    assert.equal(parseDaemonArgs(['--config-file', join(dir, 'none.json')], {}).usernsRemap, '');
  });
});

function ownersOfTar(tar: Buffer): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  const r = new TarReader({ entry: (h) => void (out[h.name.replace(/\/$/, '')] = [h.uid ?? -1, h.gid ?? -1]), data: () => undefined, end: () => undefined });
  r.push(tar);
  r.end();
  return out;
}

describe('layers in a remapped store', () => {
  it('are applied with owners shifted into the range and diffed back to container ids', async () => {
    const layer = join(dir, 'layer');
    mkdirSync(layer);
    const tar = tarBytes([
      { name: 'etc/', type: 'directory', mode: 0o755, uid: 0, gid: 0 },
      { name: 'etc/passwd', type: 'file', mode: 0o644, uid: 0, gid: 0, data: 'root:x:0:0::/:/bin/sh\n' },
      { name: 'home/', type: 'directory', mode: 0o755, uid: 0, gid: 0 },
      { name: 'home/u/', type: 'directory', mode: 0o700, uid: 1000, gid: 100 },
      { name: 'home/u/link', type: 'symlink', linkname: '../x', mode: 0o777, uid: 1000, gid: 100 },
      { name: 'nobody', type: 'file', mode: 0o600, uid: 65534, gid: 65534, data: '' },
    ]);
    await applyLayer(Readable.from([tar]), layer, { idMap: MAP });
    const owner = (p: string): [number, number] => {
      const st = lstatSync(join(layer, p));
      return [st.uid, st.gid];
    };
    assert.deepEqual(owner('etc/passwd'), [200000, 300000]);
    assert.deepEqual(owner('home/u'), [201000, 300100]);
    assert.deepEqual(owner('home/u/link'), [201000, 300100]);
    assert.deepEqual(owner('nobody'), [265534, 365534]);

    const chunks: Buffer[] = [];
    for await (const c of diffLayer(layer, { idMap: MAP })) chunks.push(c as Buffer);
    const back = ownersOfTar(Buffer.concat(chunks));
    assert.deepEqual(back['etc/passwd'], [0, 0]);
    assert.deepEqual(back['home/u'], [1000, 100]);
    assert.deepEqual(back['nobody'], [65534, 65534]);
  });

  it('refuses an owner the range cannot hold', async () => {
    const layer = join(dir, 'layer2');
    mkdirSync(layer);
    const tar = tarBytes([{ name: 'big', type: 'file', mode: 0o644, uid: 70000, gid: 0, data: '' }]);
    await assert.rejects(applyLayer(Readable.from([tar]), layer, { idMap: MAP }), { message: 'Container ID 70000 cannot be mapped to a host ID' });
  });
});

describe('the spec of a remapped container', () => {
  const rootfs = makeRootfs(join(dir, 'bundle'), false);
  const gen = (hostConfig: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    generateSpec({ id: 'c'.repeat(64), rootfs, cgroupsPath: '/berth/x', config: { Cmd: ['sh'] }, hostConfig, ...extra }, fakeHost());

  it('gets a user namespace with the daemon mapping; UsernsMode=host opts out', async () => {
    const { spec } = await gen({}, { userns: MAP, netns: { path: '/run/netns/x' } });
    assert.ok(spec.linux?.namespaces?.some((n) => n.type === 'user'));
    assert.deepEqual(spec.linux?.uidMappings, MAP.uidMappings);
    assert.deepEqual(spec.linux?.gidMappings, MAP.gidMappings);
    // A joined network namespace is not the user namespace's: /sys is the host's, read-only.
    const sys = spec.mounts?.find((m) => m.destination === '/sys');
    assert.equal(sys?.type, 'bind');
    assert.ok(sys?.options?.includes('ro'));
    // One made inside a user namespace of its own: the container joins that user namespace.
    const owned = (await gen({}, { userns: MAP, netns: { path: '/run/netns/x', userns: '/run/userns/x' } })).spec;
    assert.deepEqual(owned.linux?.namespaces?.find((n) => n.type === 'user'), { type: 'user', path: '/run/userns/x' });
    assert.deepEqual(owned.linux?.uidMappings, MAP.uidMappings);
    assert.equal(owned.mounts?.find((m) => m.destination === '/sys')?.type, 'sysfs');
    const host = (await gen({ UsernsMode: 'host' }, { userns: MAP })).spec;
    assert.ok(!host.linux?.namespaces?.some((n) => n.type === 'user'));
    assert.equal(host.linux?.uidMappings, undefined);
    assert.equal(host.mounts?.find((m) => m.destination === '/sys')?.type, 'sysfs');
  });

  it("refuses what docker refuses", async () => {
    await assert.rejects(gen({ Privileged: true }, { userns: MAP }), {
      message: 'privileged mode is incompatible with user namespaces.  You must run the container in the host namespace when running privileged mode',
    });
    await gen({ Privileged: true, UsernsMode: 'host' }, { userns: MAP });
    await assert.rejects(gen({ NetworkMode: 'host' }, { userns: MAP }), { message: "cannot share the host's network namespace when user namespaces are enabled" });
    await assert.rejects(gen({ PidMode: 'host' }, { userns: MAP }), { message: 'cannot share the host PID namespace when user namespaces are enabled' });
    await assert.rejects(gen({ UsernsMode: 'remap' }), { name: 'InvalidArgumentError', message: 'invalid USER mode: remap' });
    await assert.rejects(gen({ UsernsMode: 'remap' }, { userns: MAP }), { message: 'invalid USER mode: remap' });
  });
});
