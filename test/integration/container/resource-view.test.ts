// A container sees its own limits in what its tools ask the kernel directly: busybox `free` reads
// sysinfo(2) and `nproc` sched_getaffinity(2), which lxcfs cannot answer; berth's per-container
// seccomp agent does, from the container's cgroups (this machine: v1 memory and cpu controllers).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { seccompAgentBinary } from '../../../src/container/seccomp-agent.js';
import { defaultSeccompProfile } from '../../../src/runtime/seccomp/default-profile.js';
import { startTestDaemon, type TestDaemon } from '../../support/test-daemon.js';
import { until } from '../../support/until.js';

const skip = !existsSync('/usr/bin/lxcfs') ? 'lxcfs is not installed' : seccompAgentBinary() === undefined ? 'the seccomp agent is not built' : false;

/** `free`'s total memory (KiB) and `nproc` from one shell in the container. */
const PROBE = "free | awk '/^Mem:/ {print $2}'; nproc";

/**
 * Pids of the live seccomp agents serving this daemon's containers: each has a pid file beside its
 * socket, named for the container; the daemon's spares (`spare-*`, started ahead) are not counted.
 */
function agentPids(root: string): number[] {
  const dir = join(root, 'run', 'seccomp');
  const pids: number[] = [];
  for (const f of existsSync(dir) ? readdirSync(dir) : []) {
    if (!f.endsWith('.pid') || f.startsWith('spare-')) continue;
    try {
      const pid = Number(readFileSync(join(dir, f), 'utf8').split('\n')[0]);
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('berth-seccomp-agent')) pids.push(pid);
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

describe('resource view (sysinfo, sched_getaffinity)', { skip }, () => {
  let d: TestDaemon;
  const hostMemKiB = String(Math.floor(totalmem() / 1024));
  const hostCpus = skip ? '' : execFileSync('nproc', { encoding: 'utf8' }).trim();

  before(async () => {
    d = await startTestDaemon();
  });
  after(async () => {
    await d?.stop();
  });

  it('shows --memory and --cpus to free, nproc and /proc/meminfo', async () => {
    const r = await d.docker(['run', '--rm', '--memory', '64m', '--cpus', '1', 'busybox', 'sh', '-c', `${PROBE}; head -1 /proc/meminfo`]);
    assert.equal(r.code, 0, r.stderr);
    const [total, cpus, meminfo] = r.stdout.trim().split('\n');
    assert.equal(total, '65536');
    assert.equal(cpus, '1');
    assert.match(meminfo!, /^MemTotal:\s+65536 kB$/);
  });

  it('shows the host to a container without limits, with --lxcfs=false, seccomp=unconfined, a custom profile, --privileged', async () => {
    const free = await d.docker(['run', '--rm', 'busybox', 'sh', '-c', PROBE]);
    assert.equal(free.stdout, `${hostMemKiB}\n${hostCpus}\n`);
    const off = await d.berth(['run', '--rm', '--lxcfs=false', '--memory', '64m', '--cpus', '1', 'busybox', 'sh', '-c', PROBE]);
    assert.equal(off.stdout, `${hostMemKiB}\n${hostCpus}\n`, off.stderr);
    const unconfined = await d.docker(['run', '--rm', '--security-opt', 'seccomp=unconfined', '--memory', '64m', '--cpus', '1', 'busybox', 'sh', '-c', PROBE]);
    assert.equal(unconfined.stdout, `${hostMemKiB}\n${hostCpus}\n`, unconfined.stderr);
    // A profile of the user's own (here docker's default, given as a file) is applied as written.
    const profile = join(d.dir, 'profile.json');
    writeFileSync(profile, JSON.stringify(defaultSeccompProfile()));
    const custom = await d.docker(['run', '--rm', '--security-opt', `seccomp=${profile}`, '--memory', '64m', '--cpus', '1', 'busybox', 'sh', '-c', PROBE]);
    assert.equal(custom.stdout, `${hostMemKiB}\n${hostCpus}\n`, custom.stderr);
    const privileged = await d.docker(['run', '--rm', '--privileged', '--memory', '64m', '--cpus', '1', 'busybox', 'sh', '-c', PROBE]);
    assert.equal(privileged.stdout, `${hostMemKiB}\n${hostCpus}\n`, privileged.stderr);
    assert.equal(agentPids(d.dir).length, 0);
  });

  it('answers docker exec, survives kill -9 of berthd, and its agent ends with the container', async () => {
    const run = await d.docker(['run', '-d', '--name', 'limited', '--memory', '64m', '--cpus', '1', 'busybox', 'sleep', '600']);
    assert.equal(run.code, 0, run.stderr);
    const id = run.stdout.trim();
    assert.equal(agentPids(d.dir).length, 1);
    const exec = await d.docker(['exec', 'limited', 'sh', '-c', PROBE]);
    assert.equal(exec.stdout, '65536\n1\n', exec.stderr);

    await d.kill9();
    await d.start();
    const after = await d.docker(['exec', 'limited', 'sh', '-c', PROBE]);
    assert.equal(after.stdout, '65536\n1\n', after.stderr);

    const rm = await d.docker(['rm', '-f', 'limited']);
    assert.equal(rm.code, 0, rm.stderr);
    await until('the agent to exit', () => (agentPids(d.dir).length === 0 ? true : undefined));
    assert.equal(existsSync(`${d.dir}/run/seccomp/${id.slice(0, 24)}.sock`), false);
  });
});
