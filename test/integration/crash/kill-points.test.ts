// Crash consistency (issue #18): kill -9 berthd at seeded random points during pull (from a
// loopback `berth registry serve`), load, build, run, commit, rm, volume and network create/rm, and
// separately a container's conmon; after each restart: `system check --repair` leaves nothing
// orphaned, every image listed saves with verifying digests and runs, no container is lost or
// duplicated, and a logging container's logs are complete up to the kill.
// BERTH_CRASH_POINTS=N (default 8) and BERTH_CRASH_SEED pick the run; the suite's is short.
import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { readImageArchive } from '../../../src/image/archive/read-image-archive.js';
import { DIST_SRC } from '../../support/repo-paths.js';
import { freePort } from '../../support/registry-process.js';
import { startTestDaemon, runProcess, type TestDaemon } from '../../support/test-daemon.js';
import { seededRandom } from '../../support/seeded-random.js';

const POINTS = Number(process.env.BERTH_CRASH_POINTS ?? 8);
const SEED = Number(process.env.BERTH_CRASH_SEED ?? 18);


const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('crash consistency', { timeout: 30 * 60_000 }, () => {
  let d: TestDaemon;
  let reg: ChildProcess | undefined;
  let regRef = '';
  let work = '';
  before(async () => {
    d = await startTestDaemon();
    work = mkdtempSync(join(tmpdir(), 'berth-crash-'));
    const port = await freePort();
    reg = spawn(process.execPath, [join(DIST_SRC, 'registry/server/main.js'), 'serve', '--addr', `127.0.0.1:${port}`, '--root', join(work, 'reg')], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !(await fetch(`http://127.0.0.1:${port}/v2/`).then((r) => r.ok, () => false)); i++) await delay(100);
    regRef = `127.0.0.1:${port}/crash/bb`;
    assert.equal((await d.docker(['tag', 'busybox', `${regRef}:1`])).code, 0);
    assert.equal((await d.docker(['push', `${regRef}:1`], { timeoutMs: 60_000 })).code, 0);
    assert.equal((await d.docker(['save', '-o', join(work, 'bb.tar'), 'busybox'])).code, 0);
    writeFileSync(join(work, 'Dockerfile'), 'FROM busybox\nRUN echo built > /built && sleep 0.3\nCOPY Dockerfile /df\n');
  });
  after(async () => {
    reg?.kill('SIGKILL');
    await d?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(`holds its invariants over ${POINTS} kill points (seed ${SEED})`, async () => {
    const rand = seededRandom(SEED);
    const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
    // The witness: a container whose numbered log lines must stay complete and in order.
    assert.equal((await d.docker(['run', '-d', '--name', 'witness', 'busybox', 'sh', '-c', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done'])).code, 0);
    let n = 0;
    const ops: Array<[string, () => Promise<unknown>]> = [
      ['pull', async () => {
        await d.docker(['rmi', '-f', `${regRef}:1`]);
        return d.docker(['pull', `${regRef}:1`], { timeoutMs: 60_000 });
      }],
      ['load', () => d.docker(['load', '-i', join(work, 'bb.tar')], { timeoutMs: 60_000 })],
      ['build', () => d.docker(['build', '--no-cache', '-t', `built:${n}`, work], { env: { DOCKER_BUILDKIT: '0' }, timeoutMs: 60_000 })],
      ['run', () => d.docker(['run', '--name', `run${n}`, 'busybox', 'sh', '-c', 'echo hi; sleep 0.2'], { timeoutMs: 60_000 })],
      ['run --rm', () => d.docker(['run', '--rm', 'busybox', 'true'], { timeoutMs: 60_000 })],
      ['commit', () => d.docker(['commit', 'witness', `snap:${n}`], { timeoutMs: 60_000 })],
      ['rm', async () => {
        await d.docker(['create', '--name', `gone${n}`, 'busybox', 'true']);
        return d.docker(['rm', '-f', `gone${n}`]);
      }],
      ['volume', async () => {
        await d.docker(['volume', 'create', `vol${n}`]);
        return d.docker(['volume', 'rm', `vol${n}`]);
      }],
      ['network', async () => {
        await d.docker(['network', 'create', `net${n}`]);
        return d.docker(['network', 'rm', `net${n}`]);
      }],
    ];
    const kinds = new Map<string, number>();
    for (n = 0; n < POINTS; n++) {
      const [name, op] = pick(ops);
      kinds.set(name, (kinds.get(name) ?? 0) + 1);
      const logsBefore = (await d.docker(['logs', 'witness'])).stdout.split('\n').filter(Boolean).length;
      const running = op().catch(() => undefined);
      await delay(Math.floor(rand() * 1500));
      if (rand() < 0.15) await killConmonOf(d, 'witness-extra', n);
      await d.kill9();
      await running;
      await d.start();
      await checkInvariants(d, `${name} #${n}`, logsBefore);
    }
    // The conmon of a running container killed on its own: the record follows, nothing is left.
    assert.equal((await d.docker(['run', '-d', '--name', 'victim', 'busybox', 'sleep', '300'])).code, 0);
    const pid = Number((await d.docker(['inspect', '-f', '{{.State.Pid}}', 'victim'])).stdout.trim());
    const conmon = Number((await runProcess('ps', ['-o', 'ppid=', '-p', String(pid)])).stdout.trim());
    process.kill(conmon, 'SIGKILL');
    process.kill(pid, 'SIGKILL');
    let status = '';
    for (let i = 0; i < 50 && status !== 'exited'; i++) {
      await delay(200);
      status = (await d.docker(['inspect', '-f', '{{.State.Status}}', 'victim'])).stdout.trim();
    }
    assert.equal(status, 'exited');
    await checkInvariants(d, 'conmon kill', 0);
    console.log(`kill points: ${POINTS} (seed ${SEED}): ${[...kinds].map(([k, v]) => `${k} ${v}`).join(', ')}`);
    console.log(`repaired after kills: ${[...repairedKinds].map(([k, v]) => `${k} ${v}`).join(", ") || "nothing"}`);
  });
});

/** Sometimes a second container's conmon dies too, just before the daemon does. */
async function killConmonOf(d: TestDaemon, name: string, n: number): Promise<void> {
  const r = await d.docker(['run', '-d', '--name', `${name}${n}`, 'busybox', 'sleep', '300']);
  if (r.code !== 0) return;
  const pid = Number((await d.docker(['inspect', '-f', '{{.State.Pid}}', `${name}${n}`])).stdout.trim());
  const ppid = Number((await runProcess('ps', ['-o', 'ppid=', '-p', String(pid)])).stdout.trim());
  if (ppid > 1) process.kill(ppid, 'SIGKILL');
  process.kill(pid, 'SIGKILL');
}

interface Report { findings: Array<{ kind: string; id: string; reason: string; repaired?: boolean; error?: string }> }

const repairedKinds = new Map<string, number>();

async function checkInvariants(d: TestDaemon, at: string, logsBefore: number): Promise<void> {
  // What a kill may leave is repaired; what repair cannot remove fails the test.
  const rep = await d.berth(['system', 'check', '--repair', '--format', 'json'], { timeoutMs: 120_000 });
  const report = JSON.parse(rep.stdout) as Report;
  for (const f of report.findings) repairedKinds.set(f.kind, (repairedKinds.get(f.kind) ?? 0) + 1);
  const failed = report.findings.filter((f) => f.repaired !== true);
  assert.deepEqual(failed, [], `${at}: repair left ${JSON.stringify(failed)}`);
  const again = JSON.parse((await d.berth(['system', 'check', '--format', 'json'])).stdout) as Report;
  assert.deepEqual(again.findings, [], `${at}: still orphaned after repair`);
  // No container lost or duplicated; the witness runs on with its whole log.
  const ps = (await d.docker(['ps', '-a', '--format', '{{.ID}} {{.Names}}'])).stdout.split('\n').filter(Boolean);
  const names = ps.map((l) => l.split(' ')[1]);
  assert.equal(new Set(names).size, names.length, `${at}: duplicate names ${names.join(',')}`);
  assert.ok(names.includes('witness'), `${at}: witness lost`);
  const logs = (await d.docker(['logs', 'witness'])).stdout.split('\n').filter(Boolean);
  assert.ok(logs.length >= logsBefore, `${at}: ${logs.length} log lines, ${logsBefore} before the kill`);
  logs.forEach((l, i) => assert.equal(l, `tick ${i}`, `${at}: log line ${i}`));
  // Every image listed saves with verifying digests, and runs.
  const images = (await d.docker(['images', '-q', '--no-trunc'])).stdout.split('\n').filter(Boolean);
  for (const id of new Set(images)) {
    const scratch = mkdtempSync(join(tmpdir(), 'berth-crash-save-'));
    try {
      const saved = await d.docker(['save', '-o', join(scratch, 'img.tar'), id], { timeoutMs: 60_000 });
      assert.equal(saved.code, 0, `${at}: save ${id}: ${saved.stderr}`);
      const r = await readImageArchive(createReadStream(join(scratch, 'img.tar')), join(scratch, 'x'));
      await r.cleanup();
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    const ran = await d.docker(['run', '--rm', '--entrypoint', '', id, 'true'], { timeoutMs: 60_000 });
    assert.equal(ran.code, 0, `${at}: run ${id}: ${ran.stderr}`);
  }
}
