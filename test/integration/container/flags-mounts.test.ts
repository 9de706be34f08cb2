// Volume and mount flags by their effect inside the container: -v modes, --mount options
// (volume-nocopy, tmpfs-size/mode, bind-propagation), --tmpfs options, --volumes-from, --read-only.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { inspect } from './flag-support.js';

describe('mount flags take effect', () => {
  let d: TestDaemon;
  let tmp: string;
  const hostMounts: string[] = [];
  before(async () => {
    d = await startTestDaemon();
    tmp = mkdtempSync('/tmp/bt-mountflags-');
  });
  after(async () => {
    await d?.stop();
    for (const m of hostMounts.reverse()) {
      try {
        execFileSync('umount', ['-l', m]);
      } catch {
        // already gone
      }
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const ok = async (args: string[]): Promise<string> => {
    const r = await d.docker(args);
    assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  it('-v host:ctr writes through to the host; :ro refuses; :z/:Z are accepted and shown as the mode', async () => {
    const dir = join(tmp, 'bind');
    mkdirSync(dir);
    await ok(['run', '--rm', '-v', `${dir}:/h:rw`, 'busybox', 'sh', '-c', 'echo from-ctr > /h/out']);
    assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'from-ctr\n');
    const ro = await d.docker(['run', '--rm', '-v', `${dir}:/h:ro,z`, 'busybox', 'sh', '-c', 'cat /h/out; touch /h/no']);
    assert.equal(ro.stdout, 'from-ctr\n');
    assert.match(ro.stderr, /Read-only file system/);
    await ok(['create', '--name', 'modes', '-v', `${dir}:/a:Z`, '-v', `${dir}:/b:ro,z`, 'busybox']);
    const mounts = JSON.parse(await inspect(d, 'modes', '{{json .Mounts}}')) as Array<{ Destination: string; Mode: string; RW: boolean }>;
    assert.deepEqual(mounts.map((m) => [m.Destination, m.Mode, m.RW]), [['/a', 'Z', true], ['/b', 'ro,z', false]]);
    await ok(['rm', 'modes']);
  });

  it("volume-nocopy (and -v …:nocopy) leaves a new volume empty instead of copying the image's files", async () => {
    assert.match(await ok(['run', '--rm', '--mount', 'type=volume,src=copied,dst=/etc', 'busybox', 'ls', '/etc']), /^passwd$/m);
    assert.doesNotMatch(await ok(['run', '--rm', '--mount', 'type=volume,src=bare,dst=/etc,volume-nocopy', 'busybox', 'ls', '/etc']), /passwd/);
    assert.doesNotMatch(await ok(['run', '--rm', '-v', 'bare2:/etc:nocopy', 'busybox', 'ls', '/etc']), /passwd/);
    const ro = await d.docker(['run', '--rm', '--mount', 'type=volume,src=copied,dst=/v,readonly', 'busybox', 'touch', '/v/x']);
    assert.match(ro.stderr, /Read-only file system/);
    await ok(['volume', 'rm', 'copied', 'bare', 'bare2']);
  });

  it('--mount type=tmpfs takes tmpfs-size and tmpfs-mode; --tmpfs takes size, mode and exec/noexec', async () => {
    const m = await ok(['run', '--rm', '--mount', 'type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=1770', 'busybox', 'sh', '-c', 'stat -c %a /t; df -k /t | tail -1']);
    assert.match(m, /^1770\ntmpfs\s+1024\s/);
    const t = await d.docker(['run', '--rm', '--tmpfs', '/t:size=2m,mode=700', 'busybox', 'sh', '-c', 'stat -c %a /t; grep " /t " /proc/mounts; cp /bin/busybox /t/true; /t/true']);
    assert.match(t.stdout, /^700\ntmpfs \/t tmpfs rw,nosuid,nodev,noexec,relatime,size=2048k,mode=700/);
    assert.match(t.stderr, /Permission denied/); // noexec by default
    const exec = await d.docker(['run', '--rm', '--tmpfs', '/t:exec', 'busybox', 'sh', '-c', 'cp /bin/busybox /t/true && /t/true && echo RAN']);
    assert.equal(exec.stdout, 'RAN\n');
  });

  it('bind-propagation: a host mount made later shows in rslave/rshared binds of a shared mount; a private source is refused', async () => {
    const src = join(tmp, 'shared');
    mkdirSync(src);
    execFileSync('mount', ['-t', 'tmpfs', 'berth-prop', src]);
    hostMounts.push(src);
    execFileSync('mount', ['--make-shared', src]);
    await ok(['run', '-d', '--name', 'slave', '-v', `${src}:/s:rslave`, 'busybox', 'sleep', '1000']);
    await ok(['run', '-d', '--name', 'shared', '--mount', `type=bind,src=${src},dst=/s,bind-propagation=rshared`, 'busybox', 'sleep', '1000']);
    const late = join(src, 'late');
    mkdirSync(late);
    execFileSync('mount', ['-t', 'tmpfs', 'berth-late', late]);
    hostMounts.push(late);
    writeFileSync(join(late, 'f'), 'propagated\n');
    assert.equal(await ok(['exec', 'slave', 'cat', '/s/late/f']), 'propagated\n');
    assert.equal(await ok(['exec', 'shared', 'cat', '/s/late/f']), 'propagated\n');
    assert.match(await ok(['exec', 'slave', 'grep', ' /s ', '/proc/self/mountinfo']), / master:\d+ /);
    assert.equal(await inspect(d, 'shared', '{{range .Mounts}}{{.Propagation}}{{end}}'), 'rshared');
    await ok(['rm', '-f', 'slave', 'shared']);
    const priv = join(tmp, 'private');
    mkdirSync(priv);
    const refused = await d.docker(['run', '--rm', '-v', `${priv}:/p:rshared`, 'busybox', 'true']);
    assert.equal(refused.code, 125);
    assert.match(refused.stderr, new RegExp(`path ${priv} is mounted on /\\S* but it is not a shared mount`));
    const refusedSlave = await d.docker(['run', '--rm', '-v', `${priv}:/p:slave`, 'busybox', 'true']);
    assert.match(refusedSlave.stderr, /but it is not a shared or slave mount/);
  });

  it('--volumes-from shares the volumes both ways, read-only with :ro', async () => {
    await ok(['create', '--name', 'holder', '-v', 'shared-data:/data', 'busybox']);
    await ok(['run', '--rm', '--volumes-from', 'holder', 'busybox', 'sh', '-c', 'echo one > /data/f']);
    assert.equal(await ok(['run', '--rm', '--volumes-from', 'holder:rw', 'busybox', 'cat', '/data/f']), 'one\n');
    const ro = await d.docker(['run', '--rm', '--volumes-from', 'holder:ro', 'busybox', 'sh', '-c', 'cat /data/f; echo two > /data/f']);
    assert.equal(ro.stdout, 'one\n');
    assert.match(ro.stderr, /Read-only file system/);
    await ok(['create', '--name', 'reader', '--volumes-from', 'holder:ro', 'busybox']);
    assert.equal(await inspect(d, 'reader', '{{range .Mounts}}{{.Name}} {{.Destination}} {{.RW}}{{end}}'), 'shared-data /data false');
    assert.equal(await inspect(d, 'reader', '{{json .HostConfig.VolumesFrom}}'), '["holder:ro"]');
    await ok(['rm', 'reader', 'holder']);
    await ok(['volume', 'rm', 'shared-data']);
  });

  it('--read-only refuses writes to the root but not to /dev/shm, tmpfs mounts or volumes', async () => {
    const r = await d.docker(['run', '--rm', '--read-only', '--tmpfs', '/run', '-v', 'rw-vol:/v', 'busybox', 'sh', '-c',
      'touch /dev/shm/a && touch /run/a && touch /v/a && echo WRITABLE; touch /etc/nope']);
    assert.equal(r.stdout, 'WRITABLE\n');
    assert.match(r.stderr, /touch: \/etc\/nope: Read-only file system/);
    assert.match(await ok(['run', '--rm', '--read-only', 'busybox', 'grep', ' / ', '/proc/mounts']), /^\S+ \/ \S+ ro[,\s]/m);
    await ok(['volume', 'rm', 'rw-vol']);
  });
});
