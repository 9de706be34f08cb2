// A berthd started with --userns-remap default, through the real docker CLI: containers run in a
// user namespace mapped to dockremap's subordinate range (the user and its ranges are made on
// first use, as docker makes them, and stay), images are stored with shifted owners in a store of
// their own, and --userns=host opts a container out.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';

describe('a daemon with --userns-remap default', () => {
  let d: TestDaemon;
  let hostDir: string;
  let start: { uid: number; gid: number };
  before(async () => {
    d = await startTestDaemon({ args: ['--userns-remap', 'default'] });
    hostDir = mkdtempSync('/tmp/berth-userns-bind-');
    const root = (await d.docker(['info', '--format', '{{.DockerRootDir}}'])).stdout.trim();
    const [uid, gid] = basename(root).split('.').map(Number);
    start = { uid: uid!, gid: gid! };
  });
  after(async () => {
    await d?.stop();
    if (hostDir) rmSync(hostDir, { recursive: true, force: true });
  });

  const run = async (args: string[]): Promise<string> => {
    const r = await d.docker(['run', '--rm', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };

  it('keeps its store under <data-root>/<uid>.<gid> of dockremap’s first ranges and says so in info', async () => {
    // docker's lookup: entries under the uid first, then under the name.
    const uid = execFileSync('id', ['-u', 'dockremap'], { encoding: 'utf8' }).trim();
    const entry = (file: string): string => {
      const lines = readFileSync(file, 'utf8').split('\n');
      return lines.find((l) => l.startsWith(`${uid}:`)) ?? lines.find((l) => l.startsWith('dockremap:')) ?? '';
    };
    assert.equal(Number(entry('/etc/subuid').split(':')[1]), start.uid);
    assert.equal(Number(entry('/etc/subgid').split(':')[1]), start.gid);
    const info = (await d.docker(['info', '--format', '{{json .SecurityOptions}} {{.DockerRootDir}}'])).stdout.trim();
    assert.match(info, /"name=userns"/);
    assert.ok(info.endsWith(join(d.dir, 'data', `${start.uid}.${start.gid}`)), info);
    // The image's files on disk belong to the remapped range.
    const store = join(d.dir, 'data', `${start.uid}.${start.gid}`);
    assert.equal(statSync(store).gid, start.gid);
  });

  it('runs root in the container as the range start on the host, with image files owned by root inside', async () => {
    const out = await run(['busybox', 'sh', '-c', 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; stat -c %u:%g /bin/busybox /etc/passwd']);
    const lines = out.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    assert.deepEqual(lines, ['0', '0', `0 ${start.uid} 65536`, `0 ${start.gid} 65536`, '0:0', '0:0']);
    const r = await d.docker(['run', '-d', '--name', 'sleeper', 'busybox', 'sleep', '300']);
    assert.equal(r.code, 0, r.stderr);
    const pid = (await d.docker(['inspect', '-f', '{{.State.Pid}}', 'sleeper'])).stdout.trim();
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    assert.match(status, new RegExp(`^Uid:\\s+${start.uid}\\s+${start.uid}\\s+${start.uid}\\s+${start.uid}$`, 'm'));
    assert.match(status, new RegExp(`^Gid:\\s+${start.gid}\\s`, 'm'));
    // exec enters the same user namespace (which owns the container's network namespace).
    const ex = await d.docker(['exec', 'sleeper', 'sh', '-c', 'id -u; cat /proc/self/uid_map; ls /sys/class/net']);
    assert.equal(ex.code, 0, ex.stderr);
    assert.deepEqual(ex.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' ')), ['0', `0 ${start.uid} 65536`, 'eth0', 'lo']);
    await d.docker(['rm', '-f', 'sleeper']);
  });

  it('lets root write to /, /etc/hosts and a named volume; a host root dir shows as nobody', async () => {
    const out = await run([
      '-v', 'remapvol:/data', '-v', `${hostDir}:/host`, 'busybox', 'sh', '-c',
      'touch /new && echo ok1; echo "10.9.9.9 x" >> /etc/hosts && echo ok2; touch /data/f && stat -c %u /data/f; stat -c %u:%g /host; touch /host/f 2>/dev/null || echo denied',
    ]);
    assert.deepEqual(out.trim().split('\n'), ['ok1', 'ok2', '0', '65534:65534', 'denied']);
    // A missing -v source is made for the remapped root, as docker makes it.
    const made = await run(['-v', `${hostDir}/new/sub:/made`, 'busybox', 'sh', '-c', 'stat -c %u:%g /made; touch /made/f && echo ok']);
    assert.deepEqual(made.trim().split('\n'), ['0:0', 'ok']);
    assert.equal(statSync(join(hostDir, 'new')).uid, start.uid);
    const data = (await d.docker(['volume', 'inspect', '-f', '{{.Mountpoint}}', 'remapvol'])).stdout.trim();
    assert.equal(statSync(join(data, 'f')).uid, start.uid);
    await d.docker(['volume', 'rm', 'remapvol']);
  });

  it('keeps unshare and mount out of reach (default seccomp profile and capabilities)', async () => {
    const out = await run(['busybox', 'sh', '-c', 'unshare -U true 2>/dev/null && echo unshared; mount -t tmpfs none /mnt 2>/dev/null && echo mounted; echo done']);
    assert.equal(out.trim(), 'done');
  });

  it('runs --userns=host containers without a mapping, and refuses --privileged without it as docker does', async () => {
    const out = await run(['--userns=host', 'busybox', 'sh', '-c', 'cat /proc/self/uid_map; stat -c %u /bin/busybox']);
    const lines = out.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
    assert.deepEqual(lines, ['0 0 4294967295', String(start.uid)]);
    const r = await d.docker(['run', '--rm', '--privileged', 'busybox', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /privileged mode is incompatible with user namespaces\. {2}You must run the container in the host namespace when running privileged mode/);
    assert.equal((await d.docker(['run', '--rm', '--privileged', '--userns=host', 'busybox', 'true'])).code, 0);
  });

  it('commits and exports with the ids the container sees', async () => {
    const r = await d.docker(['run', '--name', 'maker', 'busybox', 'sh', '-c', 'mkdir /made && chown 1000:1000 /made']);
    assert.equal(r.code, 0, r.stderr);
    const tar = execFileSync('sh', ['-c', `DOCKER_HOST=${d.host} docker export maker | tar -tv --numeric-owner -f - made/ bin/busybox`], { encoding: 'utf8' });
    assert.match(tar, /^drwxr-xr-x 1000\/1000 .* made\/$/m);
    assert.match(tar, /^-rwxr-xr-x 0\/0 .* bin\/busybox$/m);
    assert.equal((await d.docker(['commit', 'maker', 'made:1'])).code, 0);
    assert.equal((await run(['made:1', 'stat', '-c', '%u:%g', '/made'])).trim(), '1000:1000');
    await d.docker(['rm', '-f', 'maker']);
  });
});
