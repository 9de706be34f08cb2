// A container's confinement, checked from inside it with the real docker CLI: no host file
// descriptor leaks into it (run and exec: CVE-2024-21626 came from one), its /proc/self/exe
// cannot be written (CVE-2019-5736), docker's masked and read-only paths, no-new-privileges, the
// default seccomp profile, and a private rootfs mount propagation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';

describe('runtime hardening', () => {
  let d: TestDaemon;
  before(async () => {
    d = await startTestDaemon({ busybox: true });
  });
  after(async () => {
    await d?.stop();
  });

  const run = async (script: string, flags: string[] = []): Promise<string> => {
    const r = await d.docker(['run', '--rm', ...flags, 'busybox', 'sh', '-c', script], { timeoutMs: 30_000 });
    assert.equal(r.code, 0, `${script}: ${r.stderr}`);
    return r.stdout;
  };

  /** Descriptors of `pid` as another process (ls) sees them: its own listing fd is not counted. */
  const fdsOf = (out: string): string[] => out.trim().split(/\s+/).sort();

  test('only 0-2 are open in a container and in an exec (plus what was asked): nothing of the host leaks in', async () => {
    const c = (await d.docker(['run', '-d', 'busybox', 'sleep', '300'])).stdout.trim();
    try {
      // pid 1 is the container's init, as runc left it.
      const init = await d.docker(['exec', c, 'ls', '/proc/1/fd']);
      assert.deepEqual(fdsOf(init.stdout), ['0', '1', '2'], init.stdout + init.stderr);
      // An exec'd process: -i keeps stdin open, -t gives a terminal; still 0-2 and nothing more.
      for (const flags of [[], ['-i'], ['-t']]) {
        const r = await d.docker(['exec', ...flags, c, 'sh', '-c', 'ls /proc/$$/fd; true'], { timeoutMs: 20_000, input: '' });
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(fdsOf(r.stdout), ['0', '1', '2'], `${flags.join(' ')}: ${r.stdout}`);
      }
    } finally {
      await d.docker(['rm', '-f', c]);
    }
  });

  test('/proc/self/exe cannot be overwritten', async () => {
    const out = await run('if echo x 2>/dev/null > /proc/self/exe; then echo WROTE; else echo refused; fi; if cp /bin/busybox /proc/1/exe 2>/dev/null; then echo WROTE1; else echo refused1; fi');
    assert.equal(out.trim(), 'refused\nrefused1');
  });

  test('masked paths read empty, read-only paths refuse writes', async () => {
    const out = await run([
      'for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug /proc/latency_stats /proc/acpi /sys/firmware /proc/scsi; do',
      '  [ -e $p ] || continue; if [ -d $p ]; then n=$(ls -A $p | wc -l); else n=$(head -c 16 $p 2>/dev/null | wc -c); fi; echo "$p $n"; done',
      'for p in /proc/sys/kernel/hostname /proc/sysrq-trigger /proc/bus /proc/fs /proc/irq; do',
      '  if echo 1 2>/dev/null > $p/x 2>/dev/null || echo 1 2>/dev/null > $p 2>/dev/null; then echo "$p WRITABLE"; fi; done',
    ].join('\n'));
    for (const line of out.trim().split('\n').filter(Boolean)) {
      assert.doesNotMatch(line, /WRITABLE/);
      assert.match(line, / 0$/, `masked path shows content: ${line}`);
    }
  });

  test('no-new-privileges: off by default (as docker), on with --security-opt', async () => {
    assert.match(await run('grep NoNewPrivs /proc/self/status'), /NoNewPrivs:\s+0/);
    assert.match(await run('grep NoNewPrivs /proc/self/status', ['--security-opt', 'no-new-privileges']), /NoNewPrivs:\s+1/);
  });

  test('the default seccomp profile is on and blocks what docker\'s blocks', async () => {
    assert.match(await run('grep ^Seccomp: /proc/self/status'), /Seccomp:\s+2/);
    // A user namespace without CAP_SYS_ADMIN (docker's profile refuses unshare/clone with CLONE_NEWUSER).
    assert.equal((await run('unshare -U true 2>/dev/null && echo ALLOWED || echo refused')).trim(), 'refused');
    // Mounting, rebooting, changing the clock: capabilities and the profile both say no.
    assert.equal((await run('mount -t tmpfs none /mnt 2>/dev/null && echo ALLOWED || echo refused')).trim(), 'refused');
    // busybox date exits 0 even when it cannot set the clock: its complaint is what tells.
    assert.match(await run('date -s 2000-01-01 2>&1 >/dev/null'), /can't set date: Operation not permitted/);
    // seccomp=unconfined turns it off, as in docker.
    assert.match(await run('grep ^Seccomp: /proc/self/status', ['--security-opt', 'seccomp=unconfined']), /Seccomp:\s+0/);
  });

  test('the rootfs mount propagation is private (no shared: peer group)', async () => {
    const root = (await run('cat /proc/self/mountinfo')).split('\n').find((l) => l.split(' ')[4] === '/');
    assert.ok(root, 'no / in mountinfo');
    assert.doesNotMatch(root, /shared:|master:/, root);
  });
});
