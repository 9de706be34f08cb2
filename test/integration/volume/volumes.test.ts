// Volumes and mounts through the real docker CLI against a test berthd: each flag checked from
// inside the container, and `docker volume` output shapes and errors as docker's.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { BUSYBOX_ROOTFS } from '../../support/repo-paths.js';

describe('volumes and mounts (docker CLI)', () => {
  let d: TestDaemon;
  let host: string;
  before(async () => {
    d = await startTestDaemon();
    host = mkdtempSync('/tmp/bt-vol-host-');
    // An image with a VOLUME over a directory that has content.
    const tar = execFileSync(process.execPath, [BUSYBOX_ROOTFS], { maxBuffer: 64 << 20 });
    const r = await d.docker(['import', '-c', 'CMD ["sh"]', '-c', 'VOLUME /etc', '-', 'bbvol:latest'], { input: tar });
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await d?.stop();
    if (host) rmSync(host, { recursive: true, force: true });
  });

  const ok = async (args: string[]): Promise<string> => {
    const r = await d.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  it('volume create/ls/inspect/rm with docker shapes', async () => {
    assert.equal(await ok(['volume', 'create', '--label', 'team=a', 'vol1']), 'vol1\n');
    const ls = await ok(['volume', 'ls']);
    assert.match(ls, /^DRIVER\s+VOLUME NAME\n/);
    assert.match(ls, /local\s+vol1/);
    const [v] = JSON.parse(await ok(['volume', 'inspect', 'vol1'])) as Array<Record<string, unknown>>;
    assert.deepEqual(Object.keys(v!).sort(), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope']);
    assert.equal(v!.Driver, 'local');
    assert.equal(v!.Scope, 'local');
    assert.deepEqual(v!.Labels, { team: 'a' });
    assert.match(String(v!.Mountpoint), /\/volumes\/vol1\/_data$/);
    assert.equal(await ok(['volume', 'ls', '-q', '-f', 'label=team=a']), 'vol1\n');
    assert.equal(await ok(['volume', 'ls', '-q', '-f', 'name=nomatch']), '');
    const missing = await d.docker(['volume', 'inspect', 'nosuchvol']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no such volume/);
    const bad = await d.docker(['volume', 'create', 'bad/name']);
    assert.match(bad.stderr, /includes invalid characters for a local volume name/);
    assert.equal(await ok(['volume', 'rm', 'vol1']), 'vol1\n');
    assert.equal(await ok(['volume', 'ls', '-q']), '');
  });

  it('a named volume keeps data across containers and cannot be removed while in use', async () => {
    await ok(['run', '--name', 'writer', '-v', 'keep:/data', 'busybox', 'sh', '-c', 'echo kept > /data/f']);
    const inUse = await d.docker(['volume', 'rm', 'keep']);
    assert.equal(inUse.code, 1);
    assert.match(inUse.stderr, /remove keep: volume is in use - \[[0-9a-f]{64}\]/);
    await ok(['rm', '-v', 'writer']); // -v never removes named volumes
    assert.equal(await ok(['run', '--rm', '-v', 'keep:/d', 'busybox', 'cat', '/d/f']), 'kept\n');
    await ok(['volume', 'rm', 'keep']);
  });

  it('a :ro bind refuses writes; a missing bind source is created; --mount bind needs its source', async () => {
    writeFileSync(join(host, 'hello'), 'from host\n');
    const r = await d.docker(['run', '--rm', '-v', `${host}:/h:ro`, 'busybox', 'sh', '-c', 'cat /h/hello; touch /h/new']);
    assert.equal(r.stdout, 'from host\n');
    assert.match(r.stderr, /Read-only file system/);
    assert.notEqual(r.code, 0);
    await ok(['run', '--rm', '-v', `${host}/made/here:/m`, 'busybox', 'touch', '/m/x']);
    assert.ok(existsSync(join(host, 'made/here/x')));
    const m = await d.docker(['run', '--rm', '--mount', `type=bind,src=${host}/absent,dst=/m`, 'busybox', 'true']);
    assert.equal(m.code, 125);
    assert.match(m.stderr, /invalid mount config for type "bind": bind source path does not exist/);
    await ok(['run', '--rm', '--mount', `type=bind,src=${host},dst=/m,readonly`, 'busybox', 'test', '-f', '/m/hello']);
    const ro = await d.docker(['run', '--rm', '--mount', `type=bind,src=${host},dst=/m,readonly`, 'busybox', 'touch', '/m/y']);
    assert.notEqual(ro.code, 0);
  });

  it("copies the image's VOLUME content into the anonymous volume; rm -v removes it", async () => {
    await ok(['run', '--name', 'anon', 'bbvol', 'sh', '-c', 'test -s /etc/passwd && echo more > /etc/added']);
    const mounts = JSON.parse(await ok(['inspect', '-f', '{{json .Mounts}}', 'anon'])) as Array<Record<string, unknown>>;
    assert.equal(mounts.length, 1);
    assert.equal(mounts[0]!.Type, 'volume');
    assert.equal(mounts[0]!.Destination, '/etc');
    assert.equal(mounts[0]!.RW, true);
    const name = String(mounts[0]!.Name);
    assert.match(name, /^[0-9a-f]{64}$/);
    assert.ok(readFileSync(join(String(mounts[0]!.Source), 'passwd'), 'utf8').includes('root'));
    // --volumes-from sees it, read-only when asked.
    assert.equal(await ok(['run', '--rm', '--volumes-from', 'anon', 'busybox', 'cat', '/etc/added']), 'more\n');
    const ro = await d.docker(['run', '--rm', '--volumes-from', 'anon:ro', 'busybox', 'touch', '/etc/x']);
    assert.match(ro.stderr, /Read-only file system/);
    const labels = await ok(['volume', 'inspect', '-f', '{{json .Labels}}', name]);
    assert.deepEqual(JSON.parse(labels), { 'com.docker.volume.anonymous': '' });
    await ok(['rm', '-v', 'anon']);
    assert.equal((await d.docker(['volume', 'inspect', name])).code, 1);
  });

  it('-v /path makes an anonymous volume that volume prune removes', async () => {
    await ok(['run', '--name', 'p1', '-v', '/scratch', 'busybox', 'touch', '/scratch/x']);
    const name = (await ok(['inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', 'p1'])).trim();
    await ok(['rm', 'p1']);
    await ok(['volume', 'create', 'named-stays']);
    const out = await ok(['volume', 'prune', '-f']);
    assert.match(out, new RegExp(`Deleted Volumes:\\n${name}\\n`));
    assert.equal(await ok(['volume', 'ls', '-q']), 'named-stays\n');
    await ok(['volume', 'rm', 'named-stays']);
  });

  it('--tmpfs and --mount type=tmpfs are tmpfs; --read-only refuses writes to the root', async () => {
    const t = await ok(['run', '--rm', '--tmpfs', '/tt:size=1m', 'busybox', 'sh', '-c', 'grep " /tt " /proc/mounts']);
    assert.match(t, /^tmpfs \/tt tmpfs .*size=1024k/);
    const m = await ok(['run', '--rm', '--mount', 'type=tmpfs,dst=/mt,tmpfs-size=2m', 'busybox', 'grep', ' /mt ', '/proc/mounts']);
    assert.match(m, /^tmpfs \/mt tmpfs .*size=2048k/);
    const ro = await d.docker(['run', '--rm', '--read-only', '--tmpfs', '/w', 'busybox', 'sh', '-c', 'touch /w/ok && touch /nope']);
    assert.match(ro.stderr, /touch: \/nope: Read-only file system/);
    assert.equal(ro.code, 1);
  });

  it('a local volume with --opt type=tmpfs is a tmpfs shared by its containers', async () => {
    await ok(['volume', 'create', '--opt', 'type=tmpfs', '--opt', 'device=tmpfs', '--opt', 'o=size=4m', 'tmpvol']);
    const opts = JSON.parse(await ok(['volume', 'inspect', '-f', '{{json .Options}}', 'tmpvol']));
    assert.deepEqual(opts, { device: 'tmpfs', o: 'size=4m', type: 'tmpfs' });
    const out = await ok(['run', '--rm', '-v', 'tmpvol:/t', 'busybox', 'sh', '-c', 'grep " /t " /proc/mounts']);
    assert.match(out, /^tmpfs \/t tmpfs .*size=4096k/);
    await ok(['volume', 'rm', 'tmpvol']);
    const since = String(Math.floor(Date.now() / 1000) - 60);
    const until = String(Math.floor(Date.now() / 1000) + 1);
    const events = await ok(['events', '--since', since, '--until', until, '--filter', 'volume=tmpvol', '--format', '{{.Type}} {{.Action}}']);
    assert.deepEqual(events.trim().split('\n'), ['volume create', 'volume mount', 'volume unmount', 'volume destroy']);
    const bad = await d.docker(['volume', 'create', '--opt', 'nope=1', 'badopt']);
    assert.match(bad.stderr, /invalid option: "nope"/);
  });

  it('a bind volume (--opt type=none,o=bind,device=…) shows the host directory', async () => {
    writeFileSync(join(host, 'via-volume'), 'bound\n');
    await ok(['volume', 'create', '--opt', 'type=none', '--opt', 'o=bind', '--opt', `device=${host}`, 'bindvol']);
    assert.equal(await ok(['run', '--rm', '-v', 'bindvol:/b', 'busybox', 'cat', '/b/via-volume']), 'bound\n');
    await ok(['volume', 'rm', 'bindvol']);
    assert.ok(existsSync(join(host, 'via-volume')), 'removing a bind volume leaves the host directory alone');
  });

  it("inspect's Mounts are docker's shapes for binds and named volumes", async () => {
    await ok(['create', '--name', 'shapes', '-v', `${host}:/h:ro`, '-v', 'shapevol:/v', 'busybox', 'true']);
    const mounts = JSON.parse(await ok(['inspect', '-f', '{{json .Mounts}}', 'shapes'])) as Array<Record<string, unknown>>;
    assert.deepEqual(mounts[0], { Type: 'bind', Source: host, Destination: '/h', Mode: 'ro', RW: false, Propagation: 'rprivate' });
    assert.equal(mounts[1]!.Type, 'volume');
    assert.equal(mounts[1]!.Name, 'shapevol');
    assert.equal(mounts[1]!.Driver, 'local');
    assert.equal(mounts[1]!.Mode, 'z');
    await ok(['rm', 'shapes']);
    await ok(['volume', 'rm', 'shapevol']);
  });
});
